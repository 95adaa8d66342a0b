import { Duplex } from 'node:stream';
import type { MuxFrame } from './frame.js';
import { muxCloseSchema, type MuxCloseCode } from './messages.js';

/** A stream that ended by a reset carries the code the peer (or this side) gave. */
export class MuxStreamError extends Error {
  override readonly name = 'MuxStreamError';
  constructor(
    readonly code: MuxCloseCode,
    message?: string,
  ) {
    super(message ? `${code}: ${message}` : code);
  }
}

export interface MuxStreamLink {
  send(frame: MuxFrame): void;
  readonly windowBytes: number;
  readonly maxPayloadBytes: number;
  /** bytes carried, for the link's statistics */
  count(direction: 'out' | 'in', bytes: number): void;
}

/**
 * One stream of the multiplexer as a Node Duplex, so a TCP socket pipes into it and back.
 *
 * Credit-based flow control, per stream and per direction: the writer may have at most
 * `windowBytes` unacknowledged bytes in flight; the reader grants credit back (WINDOW) only for
 * bytes its consumer actually took out of this Duplex. A consumer that stops reading (a
 * stalled socket behind `pipe`) stops the grants, the peer's writer stops at the window, and
 * no other stream of the link waits for it: memory per stream stays within one window each way.
 */
export class MuxStream extends Duplex {
  #sendCredit: number;
  #recvRemaining: number; // bytes the peer may still send before we grant more
  #ungranted = 0; // bytes received and not yet granted back (some still in our buffer)
  #pending: { chunk: Buffer; callback: (err?: Error | null) => void } | null = null;
  #finalCallback: ((err?: Error | null) => void) | null = null;
  #eofSent = false;
  #eofReceived = false;
  #resetDone = false; // a reset was sent or received, or the link is gone: nothing more to say

  constructor(
    readonly id: number,
    private readonly link: MuxStreamLink,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: Math.min(64 * 1024, link.windowBytes), writableHighWaterMark: 16 * 1024 });
    this.#sendCredit = link.windowBytes;
    this.#recvRemaining = link.windowBytes;
  }

  /** bytes this side may still send before the peer grants more */
  get sendCredit(): number {
    return this.#sendCredit;
  }

  /** @internal the session hands each frame of this stream here */
  receive(frame: MuxFrame): void {
    if (frame.type === 'data') return this.#receiveData(frame.data);
    if (frame.type === 'window') {
      this.#sendCredit += frame.increment;
      return this.#flush();
    }
    if (frame.type === 'close') return this.#receiveClose(frame.body);
  }

  /** Resets the stream with a code the peer is told (no-op once closed). */
  reset(code: MuxCloseCode, message?: string): void {
    this.destroy(new MuxStreamError(code, message));
  }

  /** The link is gone: end without a word to the peer. */
  lost(): void {
    this.#resetDone = true;
    this.destroy(new MuxStreamError('LINK_LOST'));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#pending = { chunk, callback };
    this.#flush();
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#finalCallback = callback;
    this.#flush();
  }

  override _read(): void {
    // read() calls this before it takes the bytes out of the buffer: count them once it has
    queueMicrotask(() => this.#grant());
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.#resetDone && !(this.#eofSent && this.#eofReceived)) {
      this.#resetDone = true;
      const code = err instanceof MuxStreamError ? err.code : 'RESET';
      this.link.send({
        type: 'close',
        streamId: this.id,
        body: { code, ...(err?.message && code !== err.message ? { message: err.message.slice(0, 500) } : {}) },
      });
    }
    this.#pending?.callback(err ?? new MuxStreamError('RESET'));
    this.#pending = null;
    callback(err);
  }

  #flush(): void {
    while (this.#pending && this.#sendCredit > 0 && !this.destroyed) {
      const { chunk, callback } = this.#pending;
      const n = Math.min(chunk.length, this.#sendCredit, this.link.maxPayloadBytes);
      this.link.send({ type: 'data', streamId: this.id, data: chunk.subarray(0, n) });
      this.link.count('out', n);
      this.#sendCredit -= n;
      if (n === chunk.length) {
        this.#pending = null;
        callback();
      } else {
        this.#pending = { chunk: chunk.subarray(n), callback };
      }
    }
    if (!this.#pending && this.#finalCallback && !this.#resetDone) {
      this.#eofSent = true;
      this.link.send({ type: 'close', streamId: this.id, body: { code: 'EOF' } });
      const done = this.#finalCallback;
      this.#finalCallback = null;
      done();
    }
  }

  #receiveData(data: Buffer): void {
    if (this.readableEnded || this.destroyed) return;
    if (data.length > this.#recvRemaining) return this.reset('FLOW_VIOLATION', `${data.length} bytes sent with ${this.#recvRemaining} bytes of window`);
    this.#recvRemaining -= data.length;
    this.#ungranted += data.length;
    this.link.count('in', data.length);
    this.push(data);
    this.#grant();
  }

  #receiveClose(body: unknown): void {
    const parsed = muxCloseSchema.safeParse(body);
    const close = parsed.success ? parsed.data : { code: 'RESET' as const, message: 'unreadable CLOSE' };
    if (close.code === 'EOF') {
      if (this.#eofReceived) return;
      this.#eofReceived = true;
      this.push(null);
      return;
    }
    this.#resetDone = true; // a reset is not answered
    this.destroy(new MuxStreamError(close.code, close.message));
  }

  /** Gives the peer back the credit of bytes the consumer has taken, once a quarter window is due. */
  #grant(): void {
    const consumed = this.#ungranted - this.readableLength;
    if (consumed <= 0 || this.destroyed) return;
    if (consumed < this.link.windowBytes / 4 && this.readableLength > 0) return;
    if (consumed < this.link.windowBytes / 4 && this.#recvRemaining > this.link.windowBytes / 2) return;
    this.#ungranted -= consumed;
    this.#recvRemaining += consumed;
    this.link.send({ type: 'window', streamId: this.id, increment: consumed });
  }
}
