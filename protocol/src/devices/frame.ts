/**
 * The framing of the YZDEV byte channel. The RDP static channel keeps no message boundaries
 * (one desktop write may arrive as ten guacd blobs, two writes as one), so every message is a
 * frame: a fixed 12-byte header, then `length` bytes of UTF-8 JSON.
 *
 *   0  'Y' 'D'       magic, to fail fast on a channel that is not ours
 *   2  version       DEVICE_FRAME_VERSION
 *   3  kind          DEVICE_FRAME_KINDS
 *   4  request id    uint32 BE; a response, error or progress names the request it answers
 *   8  length        uint32 BE; payload bytes, at most maxPayloadBytes
 */
export const DEVICE_CHANNEL_NAME = 'YZDEV';
export const DEVICE_FRAME_VERSION = 1;
export const DEVICE_FRAME_HEADER_BYTES = 12;
export const DEVICE_FRAME_MAGIC = [0x59, 0x44] as const;
/**
 * A 1920×1080 JPEG of a document is 0.3–1 MB, base64 adds a third; 4 MiB leaves room. The
 * desktop's own writes (requests) are far smaller: guacd reassembles at most 1 MiB of them.
 */
export const DEFAULT_MAX_DEVICE_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** Raw bytes per Guacamole blob written towards the desktop: guacd 1.3 refuses instructions over 8 KiB. */
export const DEVICE_BLOB_BYTES = 6 * 1024;

export const DEVICE_FRAME_KINDS = { hello: 1, request: 2, response: 3, error: 4, progress: 5 } as const;
export type DeviceFrameKind = keyof typeof DEVICE_FRAME_KINDS;

const KIND_BY_BYTE = new Map<number, DeviceFrameKind>(Object.entries(DEVICE_FRAME_KINDS).map(([name, byte]) => [byte, name as DeviceFrameKind]));

export function kindOfByte(byte: number): DeviceFrameKind | undefined {
  return KIND_BY_BYTE.get(byte);
}

export interface DeviceFrame {
  kind: DeviceFrameKind;
  requestId: number;
  /** the payload, parsed JSON; check it with the schemas in messages.ts */
  body: unknown;
}

export const MAX_REQUEST_ID = 0xffff_ffff;

/** One whole frame as bytes. Throws RangeError on a request id out of range or a payload over the limit. */
export function encodeDeviceFrame(frame: DeviceFrame, maxPayloadBytes = DEFAULT_MAX_DEVICE_PAYLOAD_BYTES): Buffer {
  if (!Number.isInteger(frame.requestId) || frame.requestId < 0 || frame.requestId > MAX_REQUEST_ID) {
    throw new RangeError(`request id must be a uint32, got ${frame.requestId}`);
  }
  const payload = Buffer.from(JSON.stringify(frame.body ?? null), 'utf8');
  if (payload.length > maxPayloadBytes) {
    throw new RangeError(`payload of ${payload.length} bytes is over the limit of ${maxPayloadBytes}`);
  }
  const out = Buffer.allocUnsafe(DEVICE_FRAME_HEADER_BYTES + payload.length);
  out[0] = DEVICE_FRAME_MAGIC[0];
  out[1] = DEVICE_FRAME_MAGIC[1];
  out[2] = DEVICE_FRAME_VERSION;
  out[3] = DEVICE_FRAME_KINDS[frame.kind];
  out.writeUInt32BE(frame.requestId, 4);
  out.writeUInt32BE(payload.length, 8);
  payload.copy(out, DEVICE_FRAME_HEADER_BYTES);
  return out;
}

/** Cuts bytes into pieces of at most `size` bytes (blobs towards the desktop). */
export function* chunksOf(bytes: Buffer, size = DEVICE_BLOB_BYTES): Generator<Buffer> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
