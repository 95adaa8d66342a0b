import net, { type Socket } from 'node:net';
import { GuacDecoder, InstructionBoundaryScanner, encodeInstruction, instructionSpans, type Instruction } from '@yunzhuo/protocol';
import type { Clock, ClockTimer } from '../lib/clock.js';
import { GUAC_STATUS } from './guac-status.codes.js';
import type { GuacdTraits } from './guacd-traits.js';

/** `lost-size`: guacd 1.3 sent layer 0's size to nobody; the connection itself is fine (see AttemptOptions.keepLostSize) */
export type AttemptFailureKind = 'unreachable' | 'timeout' | 'closed' | 'bad-handshake' | 'guacd-error' | 'no-first-frame' | 'lost-size';

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
  /** how this guacd's version behaves where versions differ */
  traits: GuacdTraits;
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
  reply: (serverArgs: string[]) => { instructions: string; names: string[]; traits: GuacdTraits };
  signal: AbortSignal;
  /** `$<connection id>`: join that live connection instead of opening a new RDP one */
  join?: string | undefined;
}

const SELECT_RDP = encodeInstruction('select', 'rdp');

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
  return new Promise((resolve, reject) => new GuacdHandshake(options, resolve, reject).start());
}

/** One handshake. A class with methods rather than a nest of closures (see tunnel.connection.ts on tsx's keepNames). */
class GuacdHandshake {
  readonly #socket: Socket;
  readonly #scanner: InstructionBoundaryScanner;
  readonly #timer: ClockTimer;
  readonly #onAbort: () => void;
  readonly #onData: (chunk: Buffer) => void;
  readonly #onError: (error: NodeJS.ErrnoException) => void;
  readonly #onClose: () => void;
  #argNames: string[] | null = null;
  #traits: GuacdTraits | null = null;
  #settled = false;

  constructor(
    private readonly options: ConnectOptions,
    private readonly resolve: (conn: GuacdConnection) => void,
    private readonly reject: (error: GatewayAttemptError) => void,
  ) {
    this.#socket = net.connect({ host: options.host, port: options.port });
    this.#socket.setNoDelay(true);
    this.#socket.setKeepAlive(true, 10_000);
    this.#scanner = new InstructionBoundaryScanner({ maxInstructionBytes: options.maxInstructionBytes });
    this.#timer = options.clock.setTimeout(() => {
      this.#fail(new GatewayAttemptError('timeout', `no ready within ${options.timeoutMs} ms`, GUAC_STATUS.UPSTREAM_TIMEOUT));
    }, options.timeoutMs);
    this.#onAbort = () => this.#fail(new GatewayAttemptError('closed', 'aborted', GUAC_STATUS.RESOURCE_CLOSED));
    this.#onData = (chunk) => this.#data(chunk);
    this.#onError = (error) => this.#fail(failureOf(error));
    this.#onClose = () => this.#fail(new GatewayAttemptError('closed', 'guacd closed during the handshake', GUAC_STATUS.UPSTREAM_ERROR));
  }

  start(): void {
    if (this.options.signal.aborted) return this.#onAbort();
    this.options.signal.addEventListener('abort', this.#onAbort);
    this.#socket.once('connect', () => this.#socket.write(this.options.join ? encodeInstruction('select', this.options.join) : SELECT_RDP));
    this.#socket.on('data', this.#onData).on('error', this.#onError).on('close', this.#onClose);
  }

  #data(chunk: Buffer): void {
    try {
      const slice = this.#scanner.push(chunk);
      if (slice === null) return;
      for (const span of instructionSpans(slice)) {
        if (this.#settled) return;
        this.#instruction(slice, span.opcode, span.start, span.end);
      }
    } catch (error) {
      if (error instanceof GatewayAttemptError) this.#fail(error);
      else this.#fail(new GatewayAttemptError('bad-handshake', error instanceof Error ? error.message : String(error), GUAC_STATUS.UPSTREAM_ERROR));
    }
  }

  #instruction(slice: Buffer, opcode: string, start: number, end: number): void {
    if (opcode === 'error') {
      const [message = '', status = ''] = decodeOne(slice.subarray(start, end)).args;
      this.#fail(new GatewayAttemptError('guacd-error', `guacd: ${message}`, Number(status) || GUAC_STATUS.UPSTREAM_ERROR));
    } else if (opcode === 'args' && this.#argNames === null) {
      const reply = this.options.reply(decodeOne(slice.subarray(start, end)).args);
      this.#argNames = reply.names;
      this.#traits = reply.traits;
      this.#socket.write(reply.instructions);
    } else if (opcode === 'ready' && this.#argNames !== null && this.#traits !== null) {
      const [connectionId = ''] = decodeOne(slice.subarray(start, end)).args;
      this.#cleanup();
      this.#socket.pause();
      const leftover = end < slice.length ? slice.subarray(end) : null;
      this.resolve({ socket: this.#socket, scanner: this.#scanner, connectionId, argNames: this.#argNames, traits: this.#traits, leftover });
    }
    // Anything else before `ready` (nop, log lines of newer guacd) is not for the browser.
  }

  #cleanup(): void {
    this.#settled = true;
    this.options.clock.clearTimeout(this.#timer);
    this.options.signal.removeEventListener('abort', this.#onAbort);
    this.#socket.off('data', this.#onData).off('error', this.#onError).off('close', this.#onClose);
  }

  #fail(error: GatewayAttemptError): void {
    if (this.#settled) return;
    this.#cleanup();
    this.#socket.destroy();
    this.reject(error);
  }
}
