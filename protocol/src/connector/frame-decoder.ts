import { MuxFrameError, type MuxFrameErrorCode } from './frame-errors.js';
import {
  DEFAULT_MAX_MUX_PAYLOAD_BYTES,
  MUX_FRAME_HEADER_BYTES,
  MUX_FRAME_MAGIC,
  MUX_FRAME_VERSION,
  muxTypeOfByte,
  type MuxFrame,
  type MuxFrameType,
} from './frame.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Streaming decoder of connector mux frames: push Buffers split anywhere, get whole frames
 * back. Each header byte is checked as it arrives, so a bad magic, version, type, stream id or
 * length fails before the payload is waited for; memory stays within one header plus one
 * payload. After an error every call throws it (the link is then closed: framing is lost).
 */
export class MuxFrameDecoder {
  readonly maxPayloadBytes: number;
  readonly #header = Buffer.alloc(MUX_FRAME_HEADER_BYTES);
  #headerBytes = 0;
  #payload: Buffer | null = null;
  #payloadBytes = 0;
  #offset = 0; // stream offset of the chunk being decoded
  #error: MuxFrameError | null = null;

  constructor(options: { maxPayloadBytes?: number } = {}) {
    const max = options.maxPayloadBytes ?? DEFAULT_MAX_MUX_PAYLOAD_BYTES;
    if (!Number.isSafeInteger(max) || max < 4) throw new RangeError(`maxPayloadBytes must be an integer of at least 4, got ${max}`);
    this.maxPayloadBytes = max;
  }

  /** bytes of an unfinished frame held from earlier pushes */
  get bufferedBytes(): number {
    return this.#headerBytes + this.#payloadBytes;
  }

  push(chunk: Uint8Array): MuxFrame[] {
    if (this.#error) throw this.#error;
    try {
      return this.#decode(chunk);
    } catch (error) {
      if (error instanceof MuxFrameError) this.#error = error;
      throw error;
    }
  }

  /** Declares the end of the byte stream; throws TRUNCATED inside a frame. */
  end(): void {
    if (this.#error) throw this.#error;
    if (this.bufferedBytes > 0) {
      this.#error = new MuxFrameError('TRUNCATED', 'stream ended inside a frame', this.#offset);
      throw this.#error;
    }
  }

  #decode(chunk: Uint8Array): MuxFrame[] {
    const frames: MuxFrame[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#payload === null) {
        const take = Math.min(MUX_FRAME_HEADER_BYTES - this.#headerBytes, chunk.length - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerBytes);
        for (let b = this.#headerBytes; b < this.#headerBytes + take; b++) this.#checkHeaderByte(b, i + (b - this.#headerBytes));
        this.#headerBytes += take;
        i += take;
        if (this.#headerBytes === MUX_FRAME_HEADER_BYTES) this.#payload = Buffer.allocUnsafe(this.#header.readUInt32BE(8));
      } else {
        const take = Math.min(this.#payload.length - this.#payloadBytes, chunk.length - i);
        this.#payload.set(chunk.subarray(i, i + take), this.#payloadBytes);
        this.#payloadBytes += take;
        i += take;
      }
      if (this.#payload !== null && this.#payloadBytes === this.#payload.length) frames.push(this.#finish(i - 1));
    }
    this.#offset += chunk.length;
    return frames;
  }

  /** `b`: index in the header just filled; `at`: where that byte sits in the current chunk */
  #checkHeaderByte(b: number, at: number): void {
    const h = this.#header;
    if (b < 2 && h[b] !== MUX_FRAME_MAGIC[b]) this.#fail('BAD_MAGIC', `byte 0x${h[b]!.toString(16)} where the frame magic belongs`, at);
    if (b === 2 && h[2] !== MUX_FRAME_VERSION) this.#fail('BAD_VERSION', `framing version ${h[2]} (this side speaks ${MUX_FRAME_VERSION})`, at);
    if (b === 3 && muxTypeOfByte(h[3]!) === undefined) this.#fail('BAD_TYPE', `unknown frame type ${h[3]}`, at);
    if (b === 7 && h.readUInt32BE(4) === 0) this.#fail('BAD_STREAM_ID', 'stream id 0', at);
    if (b === 11) {
      const length = h.readUInt32BE(8);
      if (length > this.maxPayloadBytes) this.#fail('TOO_LARGE', `payload of ${length} bytes over the limit of ${this.maxPayloadBytes}`, at);
      if (h[3] === 4 && length !== 4) this.#fail('BAD_WINDOW', `a WINDOW payload of ${length} bytes (want 4)`, at);
    }
  }

  #finish(at: number): MuxFrame {
    const payload = this.#payload!;
    const type = muxTypeOfByte(this.#header[3]!) as MuxFrameType;
    const streamId = this.#header.readUInt32BE(4);
    this.#payload = null;
    this.#payloadBytes = 0;
    this.#headerBytes = 0;
    if (type === 'data') return { type, streamId, data: payload };
    if (type === 'window') {
      const increment = payload.readUInt32BE(0);
      if (increment === 0) this.#fail('BAD_WINDOW', 'a WINDOW increment of 0', at);
      return { type, streamId, increment };
    }
    let body: unknown;
    try {
      body = JSON.parse(utf8.decode(payload));
    } catch {
      this.#fail('BAD_PAYLOAD', `the ${type.toUpperCase()} payload is not UTF-8 JSON`, at);
    }
    return { type, streamId, body };
  }

  #fail(code: MuxFrameErrorCode, message: string, at: number): never {
    throw new MuxFrameError(code, message, this.#offset + at);
  }
}
