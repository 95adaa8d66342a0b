import net, { type Socket } from 'node:net';
import {
  GuacDecoder, InstructionBoundaryScanner, encodeInstruction, instructionSpans, type Instruction,
} from '@yunzhuo/protocol';
import type { Clock } from '../lib/clock.js';
import { GUAC_STATUS } from './guac-status.codes.js';

export type AttemptFailureKind = 'unreachable' | 'timeout' | 'closed' | 'bad-handshake' | 'guacd-error' | 'no-first-frame';

/** Why one gateway attempt failed; `status` is what the browser is told if it was the last. */
export class GatewayAttemptError extends Error {
  override readonly name = 'GatewayAttemptError';
  constructor(
    readonly kind: AttemptFailureKind,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface GuacdConnection {
  /** paused: the caller attaches its own `data` listener, then resumes */
  socket: Socket;
  /** keeps any unfinished instruction that followed `ready` */
  scanner: InstructionBoundaryScanner;
  connectionId: string;
  /** guacd's parameter names (without the version) */
  argNames: string[];
  /** whole instructions that arrived in the same read as `ready`, after it */
  leftover: Buffer | null;
}

export interface ConnectOptions {
  host: string;
  port: number;
  clock: Clock;
  timeoutMs: number;
  maxInstructionBytes: number;
  /** given guacd's `args` elements, returns everything to send up to and including `connect` */
  reply: (serverArgs: string[]) => { instructions: string; names: string[] };
  signal: AbortSignal;
}

function decodeOne(bytes: Buffer): Instruction {
  const [instruction] = new GuacDecoder().push(bytes);
  if (!instruction) throw new GatewayAttemptError('bad-handshake', 'unreadable instruction', GUAC_STATUS.UPSTREAM_ERROR);
  return instruction;
}

function failureOf(error: NodeJS.ErrnoException): GatewayAttemptError {
  const unreachable = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];
  if (error.code && unreachable.includes(error.code)) {
    return new GatewayAttemptError('unreachable', `${error.code}`, GUAC_STATUS.UPSTREAM_NOT_FOUND);
  }
  return new GatewayAttemptError('closed', error.code ?? error.message, GUAC_STATUS.UPSTREAM_ERROR);
}

/**
 * Opens TCP to guacd with TCP_NODELAY and runs the handshake: `select,rdp` → `args` →
 * our reply → `ready,<id>`. Rejects with GatewayAttemptError; the socket is destroyed then.
 */
export function connectGuacd(options: ConnectOptions): Promise<GuacdConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const scanner = new InstructionBoundaryScanner({ maxInstructionBytes: options.maxInstructionBytes });
    let argNames: string[] | null = null;
    let settled = false;

    const timer = options.clock.setTimeout(() => {
      fail(new GatewayAttemptError('timeout', `no ready within ${options.timeoutMs} ms`, GUAC_STATUS.UPSTREAM_TIMEOUT));
    }, options.timeoutMs);

    const cleanup = (): void => {
      settled = true;
      options.clock.clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect).off('data', onData).off('error', onError).off('close', onClose);
    };
    const fail = (error: GatewayAttemptError): void => {
      if (settled) return;
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(new GatewayAttemptError('closed', 'aborted', GUAC_STATUS.RESOURCE_CLOSED));
    const onConnect = (): void => {
      socket.write(encodeInstruction('select', 'rdp'));
    };
    const onError = (error: NodeJS.ErrnoException): void => fail(failureOf(error));
    const onClose = (): void => fail(new GatewayAttemptError('closed', 'guacd closed during the handshake', GUAC_STATUS.UPSTREAM_ERROR));

    const onData = (chunk: Buffer): void => {
      let slice: Buffer | null;
      try {
        slice = scanner.push(chunk);
        if (slice === null) return;
        for (const span of instructionSpans(slice)) {
          if (span.opcode === 'error') {
            const [message = '', status = ''] = decodeOne(slice.subarray(span.start, span.end)).args;
            fail(new GatewayAttemptError('guacd-error', `guacd: ${message}`, Number(status) || GUAC_STATUS.UPSTREAM_ERROR));
            return;
          }
          if (span.opcode === 'args' && argNames === null) {
            const reply = options.reply(decodeOne(slice.subarray(span.start, span.end)).args);
            argNames = reply.names;
            socket.write(reply.instructions);
          } else if (span.opcode === 'ready' && argNames !== null) {
            const [connectionId = ''] = decodeOne(slice.subarray(span.start, span.end)).args;
            cleanup();
            socket.pause();
            resolve({ socket, scanner, connectionId, argNames, leftover: span.end < slice.length ? slice.subarray(span.end) : null });
            return;
          }
          // Anything else before `ready` (nop, log lines of newer guacd) is not for the browser.
        }
      } catch (error) {
        if (error instanceof GatewayAttemptError) fail(error);
        else fail(new GatewayAttemptError('bad-handshake', error instanceof Error ? error.message : String(error), GUAC_STATUS.UPSTREAM_ERROR));
      }
    };

    if (options.signal.aborted) {
      onAbort();
      return;
    }
    options.signal.addEventListener('abort', onAbort);
    socket.on('connect', onConnect).on('data', onData).on('error', onError).on('close', onClose);
  });
}
