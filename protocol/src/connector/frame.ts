/**
 * The connector's stream multiplexer framing (docs/TOWNS.md). One WebSocket between a town's
 * connector and a broker carries many TCP streams (one per RDP connection); every binary
 * WebSocket message holds whole frames, and the decoder also takes them split anywhere.
 *
 *   0  'Y' 'C'       magic
 *   2  version       MUX_FRAME_VERSION
 *   3  type          MUX_FRAME_TYPES
 *   4  stream id     uint32 BE, never 0
 *   8  length        uint32 BE; payload bytes, at most maxPayloadBytes
 *
 * OPEN carries UTF-8 JSON (`muxOpenSchema`), DATA raw bytes, CLOSE UTF-8 JSON
 * (`muxCloseSchema`), WINDOW a uint32 BE credit increment in bytes.
 *
 * Own framing rather than yamux: the npm yamux implementations are libp2p's (async-iterable
 * streams, libp2p's muxer interfaces and abort signals around every call) or unmaintained; we need
 * 200 lines of credit accounting on Node streams, with a per-stream window the tests can see.
 */
export const MUX_FRAME_VERSION = 1;
export const MUX_FRAME_HEADER_BYTES = 12;
export const MUX_FRAME_MAGIC = [0x59, 0x43] as const;
/** bytes of payload per frame; a DATA write larger than this is cut into several frames */
export const DEFAULT_MAX_MUX_PAYLOAD_BYTES = 64 * 1024;
export const MAX_STREAM_ID = 0xffff_ffff;

export const MUX_FRAME_TYPES = { open: 1, data: 2, close: 3, window: 4 } as const;
export type MuxFrameType = keyof typeof MUX_FRAME_TYPES;

const TYPE_BY_BYTE = new Map<number, MuxFrameType>(Object.entries(MUX_FRAME_TYPES).map(([name, byte]) => [byte, name as MuxFrameType]));

export function muxTypeOfByte(byte: number): MuxFrameType | undefined {
  return TYPE_BY_BYTE.get(byte);
}

export type MuxFrame =
  | { type: 'open'; streamId: number; body: unknown }
  | { type: 'data'; streamId: number; data: Buffer }
  | { type: 'close'; streamId: number; body: unknown }
  | { type: 'window'; streamId: number; increment: number };

function payloadOf(frame: MuxFrame): Buffer {
  switch (frame.type) {
    case 'data':
      return frame.data;
    case 'window': {
      if (!Number.isInteger(frame.increment) || frame.increment < 1 || frame.increment > 0xffff_ffff) {
        throw new RangeError(`window increment must be a positive uint32, got ${frame.increment}`);
      }
      const out = Buffer.allocUnsafe(4);
      out.writeUInt32BE(frame.increment, 0);
      return out;
    }
    default:
      return Buffer.from(JSON.stringify(frame.body ?? null), 'utf8');
  }
}

/** One whole frame as bytes. Throws RangeError on a stream id out of range or a payload over the limit. */
export function encodeMuxFrame(frame: MuxFrame, maxPayloadBytes = DEFAULT_MAX_MUX_PAYLOAD_BYTES): Buffer {
  if (!Number.isInteger(frame.streamId) || frame.streamId < 1 || frame.streamId > MAX_STREAM_ID) {
    throw new RangeError(`stream id must be a uint32 above 0, got ${frame.streamId}`);
  }
  const payload = payloadOf(frame);
  if (payload.length > maxPayloadBytes) throw new RangeError(`payload of ${payload.length} bytes is over the limit of ${maxPayloadBytes}`);
  const out = Buffer.allocUnsafe(MUX_FRAME_HEADER_BYTES + payload.length);
  out[0] = MUX_FRAME_MAGIC[0];
  out[1] = MUX_FRAME_MAGIC[1];
  out[2] = MUX_FRAME_VERSION;
  out[3] = MUX_FRAME_TYPES[frame.type];
  out.writeUInt32BE(frame.streamId, 4);
  out.writeUInt32BE(payload.length, 8);
  payload.copy(out, MUX_FRAME_HEADER_BYTES);
  return out;
}
