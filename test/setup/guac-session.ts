// Opens an RDP connection through a real guacd the way the broker's tunnel side must: the whole
// handshake is done here, never by a browser. Used by the real-stack smoke test and the fixture
// recorder. See shared/notes/real-desktop-stack.md for the parameter choices.
import net from 'node:net';
import { WireDecoder, encodeInstruction, type WireInstruction } from './guac-wire.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface RdpAccount extends Endpoint {
  username: string;
  password: string;
}

export interface OpenRdpOptions {
  width?: number;
  height?: number;
  /** Time allowed for TCP connect + handshake up to `ready`, ms. */
  timeoutMs?: number;
  /** Answer every `sync` at once (as a browser would), else guacd throttles the stream. */
  answerSync?: boolean;
  /** More connection parameters (e.g. `enable-drive`), by guacd's names. */
  parameters?: Record<string, string>;
  /** Join this live connection (its id from `ready`, `$…`) as another user, instead of opening a new one. */
  join?: string;
}

/** Protocol version we announce; guacd 1.3.0+ accept it and it needs no `name` instruction. */
const CLIENT_VERSION = 'VERSION_1_3_0';

export class GuacSession {
  readonly connectionId: string;
  /** guacd's `args`: its protocol version first, then the parameter names. */
  readonly serverArgs: readonly string[];
  private readonly queue: WireInstruction[];
  private waiter: (() => void) | null = null;
  private closedWith: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    decoder: WireDecoder,
    serverArgs: string[],
    connectionId: string,
    leftover: WireInstruction[],
    answerSync: boolean,
  ) {
    this.serverArgs = serverArgs;
    this.connectionId = connectionId;
    this.queue = leftover;
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => {
      for (const instruction of decoder.push(chunk)) {
        if (answerSync && instruction.opcode === 'sync') this.send('sync', ...instruction.args.slice(0, 1));
        this.queue.push(instruction);
      }
      this.wake();
    });
    socket.on('close', () => this.fail(new Error('guacd closed the connection')));
    socket.on('error', (error: Error) => this.fail(error));
    if (answerSync) {
      for (const instruction of leftover) {
        if (instruction.opcode === 'sync') this.send('sync', ...instruction.args.slice(0, 1));
      }
    }
  }

  static async open(guacd: Endpoint, desktop: RdpAccount, options: OpenRdpOptions = {}): Promise<GuacSession> {
    const width = options.width ?? 1024;
    const height = options.height ?? 768;
    const socket = net.connect({ host: guacd.host, port: guacd.port, noDelay: true });
    const decoder = new WireDecoder();
    const received: WireInstruction[] = [];
    let wake: (() => void) | null = null;
    let failure: Error | null = null;
    socket.on('data', (chunk: Buffer) => {
      received.push(...decoder.push(chunk));
      wake?.();
    });
    socket.on('error', (error: Error) => {
      failure = error;
      wake?.();
    });
    socket.on('close', () => {
      failure ??= new Error('guacd closed the connection during the handshake');
      wake?.();
    });
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    const next = async (): Promise<WireInstruction> => {
      for (;;) {
        const instruction = received.shift();
        if (instruction) {
          if (instruction.opcode === 'error') {
            throw new Error(`guacd error during handshake: ${instruction.args.join(' / ')}`);
          }
          return instruction;
        }
        if (failure) throw failure;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('guacd handshake timed out');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    };

    try {
      socket.write(encodeInstruction('select', options.join ?? 'rdp'));
      const args = await next();
      if (args.opcode !== 'args') throw new Error(`expected args, got ${args.opcode}`);
      const [serverVersion = '', ...names] = args.args;
      const values: Record<string, string> = {
        hostname: desktop.host,
        port: String(desktop.port),
        username: desktop.username,
        password: desktop.password,
        'ignore-cert': 'true',
        security: 'any',
        width: String(width),
        height: String(height),
        dpi: '96',
        'disable-audio': 'true',
        ...options.parameters,
      };
      const versioned = serverVersion.startsWith('VERSION_');
      socket.write(
        encodeInstruction('size', String(width), String(height), '96') +
          // No audio mimetypes: with them guacd 1.3.0 sometimes never sends layer 0's size.
          encodeInstruction('audio') +
          encodeInstruction('video') +
          encodeInstruction('image', 'image/png', 'image/jpeg', 'image/webp') +
          (versioned ? encodeInstruction('timezone', 'Asia/Shanghai') : '') +
          encodeInstruction('connect', ...(versioned ? [CLIENT_VERSION] : []), ...(versioned ? names : args.args).map((name) => values[name] ?? '')),
      );
      const ready = await next();
      if (ready.opcode !== 'ready') throw new Error(`expected ready, got ${ready.opcode}`);
      return new GuacSession(socket, decoder, args.args, ready.args[0] ?? '', received.splice(0), options.answerSync ?? true);
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  send(opcode: string, ...args: string[]): void {
    if (!this.socket.destroyed) this.socket.write(encodeInstruction(opcode, ...args));
  }

  /** Next instruction after `ready`, in order; rejects on timeout or when guacd hangs up. */
  async next(timeoutMs: number): Promise<WireInstruction> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const instruction = this.queue.shift();
      if (instruction) return instruction;
      if (this.closedWith) throw this.closedWith;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no instruction from guacd within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Skips instructions until one matches; guacd `error` instructions fail the wait. */
  async waitFor(predicate: (instruction: WireInstruction) => boolean, timeoutMs: number): Promise<WireInstruction> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const instruction = await this.next(Math.max(1, deadline - Date.now()));
      if (instruction.opcode === 'error') throw new Error(`guacd error: ${instruction.args.join(' / ')}`);
      if (predicate(instruction)) return instruction;
    }
  }

  close(): void {
    if (this.socket.destroyed) return;
    this.socket.end(encodeInstruction('disconnect'));
    this.socket.destroySoon();
  }

  private wake(): void {
    this.waiter?.();
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    this.wake();
  }
}
