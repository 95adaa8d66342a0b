// A protocol-level stand-in for guacd: it speaks the handshake of a chosen protocol version,
// records every instruction it receives (in order), then runs a script. For relay tests and the
// tunnel bench; never a substitute for the real-stack suite.
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { GuacDecoder, encodeInstruction, type Instruction } from '@yunzhuo/protocol';

/** RDP parameter names in the order guacd 1.3 lists them (a subset is enough for a fake). */
export const FAKE_RDP_ARGS = [
  'hostname',
  'port',
  'domain',
  'username',
  'password',
  'width',
  'height',
  'dpi',
  'initial-program',
  'color-depth',
  'disable-audio',
  'enable-printing',
  'enable-drive',
  'drive-path',
  'console',
  'server-layout',
  'security',
  'ignore-cert',
  'disable-auth',
  'timezone',
  'enable-audio-input',
  'disable-copy',
  'disable-paste',
  'recording-path',
  'recording-name',
  'create-recording-path',
  'resize-method',
] as const;

export interface FakeGuacdOptions {
  /** first element of `args`; null acts as guacd < 1.1 (no version element) */
  version?: string | null;
  argNames?: readonly string[];
  /** never answer `select` */
  silentHandshake?: boolean;
  /** runs after `ready` is sent; default: a first frame (`size,0,1024,768` and a `sync`) */
  afterReady?: (conn: FakeGuacdConnection) => void | Promise<void>;
  /** sees every instruction after the handshake (e.g. to echo) */
  onInstruction?: (conn: FakeGuacdConnection, instruction: Instruction) => void;
}

export const FIRST_FRAME = encodeInstruction('size', 0, 1024, 768) + encodeInstruction('sync', 1);

export class FakeGuacdConnection {
  readonly received: Instruction[] = [];
  readonly connectionId: string;
  readonly handshake: Promise<void>;
  readonly closed: Promise<void>;
  /** ms the fake spent waiting for `drain` in its last streamBulk/replay */
  lastBlockedMs = 0;
  #afterHandshake: (() => void) | null = null;
  #decoder = new GuacDecoder();
  #waiters: Array<{ match: (i: Instruction) => boolean; resolve: (i: Instruction) => void }> = [];
  #ready = false;

  constructor(
    readonly socket: Socket,
    private readonly options: FakeGuacdOptions & { knows(id: string): boolean },
    index: number,
  ) {
    this.connectionId = `$fake-${index}`;
    socket.setNoDelay(true);
    this.handshake = new Promise((resolve) => (this.#afterHandshake = resolve));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      let instructions: Instruction[];
      try {
        instructions = this.#decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const instruction of instructions) this.#receive(instruction);
    });
  }

  get ready(): boolean {
    return this.#ready;
  }

  opcodes(): string[] {
    return this.received.map((i) => i.opcode);
  }

  find(opcode: string): Instruction | undefined {
    return this.received.find((i) => i.opcode === opcode);
  }

  send(data: string | Buffer): boolean {
    return this.socket.write(data);
  }

  waitFor(match: (i: Instruction) => boolean, timeoutMs = 5000): Promise<Instruction> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake guacd: instruction not received in time')), timeoutMs);
      this.#waiters.push({ match, resolve: (i) => (clearTimeout(timer), resolve(i)) });
    });
  }

  /** Writes `data` in `chunkBytes` pieces (cut anywhere), waiting for `drain` as a real sender would. */
  async replay(data: Buffer, chunkBytes = 8192): Promise<void> {
    this.lastBlockedMs = 0;
    for (let at = 0; at < data.length && !this.socket.destroyed; at += chunkBytes) {
      if (!this.socket.write(data.subarray(at, at + chunkBytes))) await this.#drain();
    }
  }

  /** Streams at least `bytes` of image-like instructions as fast as the socket takes them; returns the count. */
  async streamBulk(bytes: number): Promise<number> {
    const blob = encodeInstruction('blob', 1, 'A'.repeat(6000));
    const batch = Buffer.from(blob.repeat(10));
    const data = Buffer.concat(Array.from({ length: Math.ceil(bytes / batch.length) }, () => batch));
    await this.replay(data, 64 * 1024);
    return data.length;
  }

  die(): void {
    this.socket.destroy();
  }

  async #drain(): Promise<void> {
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done).off('close', done);
        resolve();
      };
      this.socket.on('drain', done).on('close', done);
    });
    this.lastBlockedMs = Math.max(this.lastBlockedMs, Date.now() - started);
  }

  #receive(instruction: Instruction): void {
    this.received.push(instruction);
    this.#waiters = this.#waiters.filter((w) => (w.match(instruction) ? (w.resolve(instruction), false) : true));
    if (this.#ready) {
      this.options.onInstruction?.(this, instruction);
      return;
    }
    if (instruction.opcode === 'select' && !this.options.silentHandshake) {
      const wanted = instruction.args[0] ?? '';
      if (wanted.startsWith('$') && !this.options.knows(wanted)) {
        // as guacd's main process answers a join of a connection it does not have
        this.send(encodeInstruction('error', 'No such connection.', 517));
        this.socket.end();
        return;
      }
      const version = this.options.version === undefined ? 'VERSION_1_3_0' : this.options.version;
      const names = this.options.argNames ?? FAKE_RDP_ARGS;
      this.send(encodeInstruction('args', ...(version === null ? [] : [version]), ...names));
    } else if (instruction.opcode === 'connect') {
      this.#ready = true;
      this.send(encodeInstruction('ready', this.connectionId));
      this.#afterHandshake?.();
      const script = this.options.afterReady ?? ((conn: FakeGuacdConnection) => void conn.send(FIRST_FRAME));
      void Promise.resolve(script(this)).catch(() => this.socket.destroy());
    }
  }
}

export class FakeGuacd {
  readonly connections: FakeGuacdConnection[] = [];
  #waiting: Array<(conn: FakeGuacdConnection) => void> = [];

  private constructor(
    private readonly server: Server,
    readonly options: FakeGuacdOptions,
  ) {
    server.on('connection', (socket) => {
      const knows = (id: string): boolean => this.connections.some((c) => c.connectionId === id);
      const conn = new FakeGuacdConnection(socket, { ...this.options, knows }, this.connections.length + 1);
      this.connections.push(conn);
      for (const resolve of this.#waiting.splice(0)) resolve(conn);
    });
  }

  static async start(options: FakeGuacdOptions = {}): Promise<FakeGuacd> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeGuacd(server, options);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return '127.0.0.1';
  }

  /** The `n`-th connection (1-based), waiting for it if need be. */
  connection(n = 1, timeoutMs = 5000): Promise<FakeGuacdConnection> {
    const existing = this.connections[n - 1];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake guacd: no connection #${n}`)), timeoutMs);
      const check = (): void => {
        const conn = this.connections[n - 1];
        if (conn) {
          clearTimeout(timer);
          resolve(conn);
        } else {
          this.#waiting.push(check);
        }
      };
      this.#waiting.push(check);
    });
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
