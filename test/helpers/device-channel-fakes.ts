import {
  DeviceFrameDecoder,
  deviceRequestSchema,
  encodeDeviceFrame,
  helloFor,
  type DeviceClass,
  type DeviceFrame,
  type DeviceRequest,
} from '../../protocol/src/devices/index.js';
import { ChannelClosedError, type ChannelPort } from '../../agent/src/desk/channel-port.js';

/**
 * An in-memory YZDEV channel: the companion's ChannelPort on one side, `toDesk()` and
 * `onWindowBytes` on the other, with the traps of the real one (a handle that dies, a session
 * with no channel to open).
 */
export class MemoryChannel implements ChannelPort {
  /** false: as inside a session whose connection never carried YZDEV */
  available = true;
  opens = 0;
  onWindowBytes: (bytes: Buffer) => void = () => {};
  #open = false;
  /** the handle outlived its connection: writes vanish, nothing arrives, no call fails */
  #stale = false;
  #queue: Buffer[] = [];
  #wake: (() => void) | null = null;

  open(): boolean {
    this.close();
    if (!this.available) return false;
    this.opens++;
    this.#open = true;
    this.#stale = false;
    this.#queue = [];
    return true;
  }

  async write(bytes: Buffer): Promise<void> {
    if (!this.#open) throw new ChannelClosedError('YZDEV is not open');
    if (!this.#stale) this.onWindowBytes(Buffer.from(bytes));
  }

  async read(timeoutMs: number): Promise<Buffer> {
    if (!this.#open) throw new ChannelClosedError('YZDEV is not open');
    if (this.#queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
    if (!this.#open) throw new ChannelClosedError('YZDEV was closed');
    return this.#queue.shift() ?? Buffer.alloc(0);
  }

  close(): void {
    this.#open = false;
    this.#wake?.();
  }

  /** chansrv dropped the handle (the client went away): the next read fails. */
  kill(): void {
    this.close();
  }

  /** A new RDP connection while the handle stays open (guacd 1.6 orders the channels otherwise): it goes deaf and mute until reopened. */
  goStale(): void {
    this.#stale = true;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  toDesk(bytes: Buffer): void {
    if (!this.#open || this.#stale) return; // written while no live handle is open: lost, as with the real channel
    this.#queue.push(bytes);
    this.#wake?.();
  }
}

/** the response body, an error, or null to never answer */
export type WindowAnswer = (request: DeviceRequest) => DeviceFrame['body'] | { error: { code: string; message: string; op?: string } } | null;

/** The window page's side as the companion meets it: answers hello and requests, in frames split into small pieces. */
export class FakeWindow {
  readonly requests: DeviceRequest[] = [];
  silent = false;
  #decoder = new DeviceFrameDecoder();

  constructor(
    private readonly channel: MemoryChannel,
    private readonly answer: WindowAnswer,
    private readonly classes: DeviceClass[] = ['idcard', 'camera'],
    /** as the agent: promise in the hello, and send, a progress frame at once for every request */
    private readonly acks = false,
  ) {
    channel.onWindowBytes = (bytes) => this.#receive(bytes);
  }

  /** the channel reopened on the desk side: the window's decoder starts again too (a new pipe) */
  reset(): void {
    this.#decoder = new DeviceFrameDecoder();
  }

  #receive(bytes: Buffer): void {
    if (this.silent) return;
    for (const frame of this.#decoder.push(bytes)) {
      if (frame.kind === 'hello') {
        this.#send({ kind: 'hello', requestId: 0, body: helloFor('window', { classes: this.classes, ...(this.acks ? { acks: true } : {}) }) });
      } else if (frame.kind === 'request') {
        const request = deviceRequestSchema.parse(frame.body);
        this.requests.push(request);
        if (this.acks) this.#send({ kind: 'progress', requestId: frame.requestId, body: { stage: 'reading' } });
        const body = this.answer(request);
        if (body === null) continue;
        const isError = typeof body === 'object' && body !== null && 'error' in body;
        this.#send(
          isError
            ? { kind: 'error', requestId: frame.requestId, body: (body as { error: unknown }).error }
            : { kind: 'response', requestId: frame.requestId, body },
        );
      }
    }
  }

  #send(frame: DeviceFrame): void {
    const wire = encodeDeviceFrame(frame);
    // as guacd delivers: in pieces that ignore frame boundaries
    for (let at = 0; at < wire.length; at += 7) this.channel.toDesk(wire.subarray(at, at + 7));
  }
}
