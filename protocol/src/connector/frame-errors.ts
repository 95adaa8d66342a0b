/**
 * Stable error codes of the connector's mux framing. Callers and tests branch on `code`,
 * never on the message text.
 */
export const MUX_FRAME_ERROR_CODES = [
  'BAD_MAGIC', // the first two bytes of a frame are not "YC": not our peer, or we lost sync
  'BAD_VERSION', // a frame of a framing version this side does not speak
  'BAD_TYPE', // the type byte names no frame type
  'BAD_STREAM_ID', // stream id 0
  'TOO_LARGE', // the payload length is over the configured maximum (bytes)
  'BAD_WINDOW', // a WINDOW frame whose payload is not a uint32 above 0
  'BAD_PAYLOAD', // an OPEN or CLOSE payload that is not strict UTF-8 JSON
  'TRUNCATED', // the stream ended inside a frame
] as const;

export type MuxFrameErrorCode = (typeof MUX_FRAME_ERROR_CODES)[number];

export class MuxFrameError extends Error {
  override readonly name = 'MuxFrameError';

  /** @param offset byte offset in the whole stream at which the problem was seen */
  constructor(
    readonly code: MuxFrameErrorCode,
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}
