import { DeviceFrameError, type DeviceFrameErrorCode } from './frame-errors.js';
import {
  DEFAULT_MAX_DEVICE_PAYLOAD_BYTES,
  DEVICE_FRAME_HEADER_BYTES,
  DEVICE_FRAME_MAGIC,
  DEVICE_FRAME_VERSION,
  kindOfByte,
  type DeviceFrame,
  type DeviceFrameKind,
} from './frame.js';

export interface DeviceFrameDecoderOptions {
  /** largest accepted payload, in bytes (the header not counted) */
  maxPayloadBytes?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Streaming decoder of YZDEV frames: push Buffers split anywhere (inside the header, the
 * length or a UTF-8 character), get whole frames back. The header is checked as soon as its
 * bytes arrive, so a bad magic, version, kind or length fails before the payload is waited
 * for. Memory stays within one header plus one payload. After an error every call throws it.
 */
export class DeviceFrameDecoder {
  readonly maxPayloadBytes: number;
  #header = Buffer.alloc(DEVICE_FRAME_HEADER_BYTES);
  #headerBytes = 0;
  #kind: DeviceFrameKind = 'hello';
  #requestId = 0;
  #payload: Buffer | null = null; // allocated once the header is whole
  #payloadBytes = 0;
  #streamOffset = 0; // offset of the chunk being decoded
  #error: DeviceFrameError | null = null;

  constructor(options: DeviceFrameDecoderOptions = {}) {
    const max = options.maxPayloadBytes ?? DEFAULT_MAX_DEVICE_PAYLOAD_BYTES;
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxPayloadBytes must be a non-negative integer, got ${max}`);
    this.maxPayloadBytes = max;
  }

  /** Bytes of an unfinished frame held from earlier pushes. */
  get bufferedBytes(): number {
    return this.#headerBytes + this.#payloadBytes;
  }

  /** Decodes a chunk; frames completed before an error in the same chunk are lost. */
  push(chunk: Uint8Array): DeviceFrame[] {
    if (this.#error) throw this.#error;
    try {
      return this.#decode(chunk);
    } catch (error) {
      if (error instanceof DeviceFrameError) this.#error = error;
      throw error;
    }
  }

  /** Declares the end of the stream; throws TRUNCATED inside a frame. */
  end(): void {
    if (this.#error) throw this.#error;
    if (this.bufferedBytes > 0) {
      this.#error = new DeviceFrameError('TRUNCATED', 'stream ended inside a frame', this.#streamOffset);
      throw this.#error;
    }
  }

  #decode(chunk: Uint8Array): DeviceFrame[] {
    const out: DeviceFrame[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#payload === null) {
        const take = Math.min(DEVICE_FRAME_HEADER_BYTES - this.#headerBytes, chunk.length - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerBytes);
        this.#checkHeaderSoFar(this.#headerBytes, this.#headerBytes + take, i);
        this.#headerBytes += take;
        i += take;
        if (this.#headerBytes === DEVICE_FRAME_HEADER_BYTES) this.#startPayload();
      } else {
        const take = Math.min(this.#payload.length - this.#payloadBytes, chunk.length - i);
        this.#payload.set(chunk.subarray(i, i + take), this.#payloadBytes);
        this.#payloadBytes += take;
        i += take;
      }
      if (this.#payload !== null && this.#payloadBytes === this.#payload.length) out.push(this.#finish(i));
    }
    this.#streamOffset += chunk.length;
    return out;
  }

  /** Checks the header bytes [from, to) just copied; `at` is where they began in the chunk. */
  #checkHeaderSoFar(from: number, to: number, at: number): void {
    const h = this.#header;
    for (let b = from; b < to; b++) {
      const where = at + (b - from);
      if (b < 2 && h[b] !== DEVICE_FRAME_MAGIC[b]) this.#fail('BAD_MAGIC', `byte 0x${h[b]!.toString(16)} where the frame magic belongs`, where);
      if (b === 2 && h[2] !== DEVICE_FRAME_VERSION) this.#fail('BAD_VERSION', `framing version ${h[2]} (this side speaks ${DEVICE_FRAME_VERSION})`, where);
      if (b === 3 && kindOfByte(h[3]!) === undefined) this.#fail('BAD_KIND', `unknown message kind ${h[3]}`, where);
    }
    if (from < DEVICE_FRAME_HEADER_BYTES && to === DEVICE_FRAME_HEADER_BYTES) {
      const length = h.readUInt32BE(8);
      if (length > this.maxPayloadBytes) this.#fail('TOO_LARGE', `payload of ${length} bytes over the limit of ${this.maxPayloadBytes}`, at + (to - from) - 1);
    }
  }

  #startPayload(): void {
    this.#kind = kindOfByte(this.#header[3]!)!;
    this.#requestId = this.#header.readUInt32BE(4);
    this.#payload = Buffer.allocUnsafe(this.#header.readUInt32BE(8));
    this.#payloadBytes = 0;
  }

  #finish(at: number): DeviceFrame {
    const payload = this.#payload!;
    let body: unknown;
    try {
      body = JSON.parse(utf8.decode(payload));
    } catch {
      this.#fail('BAD_PAYLOAD', 'the payload is not UTF-8 JSON', at - 1);
    }
    const frame: DeviceFrame = { kind: this.#kind, requestId: this.#requestId, body };
    this.#payload = null;
    this.#payloadBytes = 0;
    this.#headerBytes = 0;
    return frame;
  }

  #fail(code: DeviceFrameErrorCode, message: string, at: number): never {
    throw new DeviceFrameError(code, message, this.#streamOffset + at);
  }
}
