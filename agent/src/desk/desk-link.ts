import {
  DeviceFrameDecoder,
  deviceErrorSchema,
  deviceHelloSchema,
  deviceResponseSchema,
  encodeDeviceFrame,
  helloFor,
  type DeviceErrorCode,
  type DeviceFrame,
  type DeviceHello,
  type DeviceRequest,
  type DeviceResponse,
} from '@yunzhuo/protocol/devices/index';
import { ChannelClosedError, type ChannelPort } from './channel-port.js';

export class DeviceRequestError extends Error {
  override readonly name = 'DeviceRequestError';
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The channel opened but no window answered our hello in time. */
class UnansweredHelloError extends DeviceRequestError {
  constructor(ms: number) {
    super('DEVICE_NOT_ATTACHED', `the window did not answer within ${ms} ms`);
  }
}

/** The window promised to acknowledge every request and did not: the handle outlived its connection. */
class StaleChannelError extends DeviceRequestError {
  constructor() {
    super('DEVICE_NOT_ATTACHED', 'the window did not acknowledge the request: the channel handle is stale');
  }
}

export interface DeskLinkOptions {
  /** how long the window has to answer our hello before we call it absent (ms) */
  helloTimeoutMs?: number;
  /**
   * how long a request keeps saying hello over a channel that opens but stays silent (ms): after
   * a cut connection xrdp gives the new one its channels only once the old connection's xrdp
   * process has gone (seen 12–15 s; docs/DEVICES.md), and the clerk's read should wait for that
   * rather than fail. 0: one hello only.
   */
  attachWaitMs?: number;
  /** the pause between two hellos while waiting to attach (ms) */
  reattachPauseMs?: number;
  /** how long a device request may take, card placing included (ms) */
  requestTimeoutMs?: number;
  /** one read waits at most this long, so a close is noticed (ms) */
  readSliceMs?: number;
  /** a window whose hello promises acks acknowledges a request within this long, or the handle is stale (ms) */
  ackTimeoutMs?: number;
  software?: string;
  /** told each step of the link (open, hello, ack, teardown), for `yunzhuo-desk --trace` */
  trace?: (event: string) => void;
}

interface Pending {
  resolve(frame: DeviceFrame): void;
  reject(error: Error): void;
  /** the window acknowledged the request (a progress frame) */
  acknowledged(): void;
}

const HELLO_ID = 0;

/**
 * The companion's conversation with the window over one ChannelPort. Every (re)connect of the
 * desktop makes a stale handle (notes: device-channel.md), so the link is rebuilt from scratch
 * — open, hello, wait for the window's hello — before the first request and after anything
 * went wrong: a dead read, a timeout, an unanswered hello.
 */
export class DeskLink {
  readonly #helloTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #readSliceMs: number;
  readonly #ackTimeoutMs: number;
  readonly #attachWaitMs: number;
  readonly #reattachPauseMs: number;
  #connecting: Promise<DeviceHello> | null = null;
  /** close() was called: no more handshakes */
  #stopped = false;
  /** ends the pause between two hellos early (close) */
  #wakeAttach: (() => void) | null = null;
  #generation = 0; // bumped on every teardown; a read loop of an older generation stops
  #decoder = new DeviceFrameDecoder();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  /** the window's hello of the live link */
  window: DeviceHello | null = null;

  constructor(
    private readonly port: ChannelPort,
    private readonly options: DeskLinkOptions = {},
  ) {
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 2_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.#readSliceMs = options.readSliceMs ?? 250;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 2_000;
    this.#attachWaitMs = options.attachWaitMs ?? 20_000;
    this.#reattachPauseMs = options.reattachPauseMs ?? 500;
  }

  /** Sends one request to the window; resolves with its response, or throws DeviceRequestError. */
  async request(request: DeviceRequest): Promise<DeviceResponse> {
    try {
      return await this.#requestOnce(request);
    } catch (error) {
      // the desktop was reconnected over a new RDP connection since the handle was opened: once
      // more over a fresh link (requests only read a device, so a repeat is harmless)
      if (error instanceof StaleChannelError) return this.#requestOnce(request);
      throw error;
    }
  }

  async #requestOnce(request: DeviceRequest): Promise<DeviceResponse> {
    const hello = await this.#connect();
    const id = this.#takeId();
    const ackMs = hello.acks ? this.#ackTimeoutMs : undefined;
    this.options.trace?.(`request ${id}: ${request.op}`);
    const timeout = () => new DeviceRequestError('DEVICE_TIMEOUT', `no answer within ${this.#requestTimeoutMs} ms`);
    const frame = await this.#exchange(id, { kind: 'request', requestId: id, body: request }, this.#requestTimeoutMs, timeout, ackMs);
    if (frame.kind === 'error') {
      const error = deviceErrorSchema.safeParse(frame.body);
      if (!error.success) throw new DeviceRequestError('DEVICE_FAILED', 'the window sent a malformed error');
      throw new DeviceRequestError(error.data.code, error.data.message);
    }
    const response = deviceResponseSchema.safeParse(frame.body);
    if (!response.success || response.data.op !== request.op) throw new DeviceRequestError('DEVICE_FAILED', 'the window sent a malformed answer');
    return response.data;
  }

  close(): void {
    this.#stopped = true;
    this.#wakeAttach?.();
    this.#teardown(new DeviceRequestError('DEVICE_NOT_ATTACHED', 'the companion is stopping'));
  }

  #connect(): Promise<DeviceHello> {
    if (this.window) return Promise.resolve(this.window);
    this.#connecting ??= this.#attach().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  /** Handshakes until a window answers, while the channel opens and time is left (attachWaitMs). */
  async #attach(): Promise<DeviceHello> {
    const deadline = performance.now() + this.#attachWaitMs;
    for (;;) {
      try {
        return await this.#handshake();
      } catch (error) {
        const left = deadline - performance.now() - this.#reattachPauseMs;
        if (!(error instanceof UnansweredHelloError) || left < this.#helloTimeoutMs) throw error;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => ((this.#wakeAttach = null), resolve()), this.#reattachPauseMs);
          this.#wakeAttach = () => ((this.#wakeAttach = null), clearTimeout(timer), resolve());
        });
        if (this.#stopped) throw new DeviceRequestError('DEVICE_NOT_ATTACHED', 'the companion is stopping');
      }
    }
  }

  async #handshake(): Promise<DeviceHello> {
    this.#teardown(new DeviceRequestError('DEVICE_NOT_ATTACHED', 'reconnecting'));
    const opened = this.port.open();
    this.options.trace?.(opened ? 'channel opened; hello sent' : 'channel not open: no window connection carries it');
    if (!opened) throw new DeviceRequestError('DEVICE_NOT_ATTACHED', 'no window connection carries the device channel');
    const generation = this.#generation;
    void this.#readLoop(generation);
    const frame = await this.#exchange(
      HELLO_ID,
      { kind: 'hello', requestId: HELLO_ID, body: helloFor('desk', this.options.software ? { software: this.options.software } : {}) },
      this.#helloTimeoutMs,
      () => new UnansweredHelloError(this.#helloTimeoutMs),
    );
    const hello = deviceHelloSchema.safeParse(frame.body);
    if (frame.kind !== 'hello' || !hello.success) throw this.#broken('DEVICE_PROTOCOL_UNSUPPORTED', 'the window did not answer with a hello');
    if (hello.data.role !== 'window') throw this.#broken('DEVICE_PROTOCOL_UNSUPPORTED', 'the other end is not a window');
    this.window = hello.data;
    this.options.trace?.(`the window answered: ${hello.data.software ?? '?'}`);
    return hello.data;
  }

  /**
   * Writes a frame and waits for the frame answering it; on timeout the link is torn down. With
   * `ackMs`, a window that has not acknowledged within that long makes the link stale.
   */
  async #exchange(id: number, frame: DeviceFrame, timeoutMs: number, onTimeout: () => DeviceRequestError, ackMs?: number): Promise<DeviceFrame> {
    let ackTimer = ackMs === undefined ? null : setTimeout(() => this.#teardown(new StaleChannelError(), id), ackMs);
    const acknowledged = () => {
      if (ackTimer) clearTimeout(ackTimer);
      ackTimer = null;
    };
    const answer = new Promise<DeviceFrame>((resolve, reject) => this.#pending.set(id, { resolve, reject, acknowledged }));
    answer.catch(() => {}); // it may fail while the write is still awaited; it is awaited below
    const timer = setTimeout(() => this.#teardown(onTimeout(), id), timeoutMs);
    try {
      await this.port.write(encodeDeviceFrame(frame));
      return await answer;
    } catch (error) {
      if (error instanceof ChannelClosedError) throw this.#broken('DEVICE_NOT_ATTACHED', error.message);
      throw error;
    } finally {
      clearTimeout(timer);
      acknowledged();
      this.#pending.delete(id);
    }
  }

  async #readLoop(generation: number): Promise<void> {
    try {
      while (generation === this.#generation) {
        const bytes = await this.port.read(this.#readSliceMs);
        if (generation !== this.#generation || bytes.length === 0) continue;
        for (const frame of this.#decoder.push(bytes)) this.#deliver(frame);
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      const reason = error instanceof ChannelClosedError ? error.message : `device channel: ${(error as Error).message}`;
      this.#teardown(new DeviceRequestError('DEVICE_NOT_ATTACHED', reason));
    }
  }

  #deliver(frame: DeviceFrame): void {
    // the window's hello may come unasked (it reopened its pipe): it answers our pending hello if any
    const id = frame.kind === 'hello' ? HELLO_ID : frame.requestId;
    this.options.trace?.(`${frame.kind} for request ${id}`);
    if (frame.kind === 'progress') this.#pending.get(id)?.acknowledged();
    else this.#pending.get(id)?.resolve(frame);
  }

  #broken(code: DeviceErrorCode, message: string): DeviceRequestError {
    const error = new DeviceRequestError(code, message);
    this.#teardown(error);
    return error;
  }

  /** Fails every pending request (the one timing out with `error` itself), closes the handle, forgets the window. */
  #teardown(error: DeviceRequestError, onlyFor?: number): void {
    if (this.window || this.#pending.size > 0) this.options.trace?.(`link reset: ${error.message}`);
    this.#generation++;
    this.window = null;
    this.#decoder = new DeviceFrameDecoder();
    this.port.close();
    for (const [id, pending] of this.#pending) {
      pending.reject(onlyFor === undefined || id === onlyFor ? error : new DeviceRequestError('DEVICE_NOT_ATTACHED', 'the device channel was reset'));
    }
    this.#pending.clear();
  }

  #takeId(): number {
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0xffff_fffe ? 1 : this.#nextId + 1;
    return id;
  }
}
