/**
 * Stable error codes of the device-channel framing. Callers and tests branch on `code`,
 * never on the message text.
 */
export const DEVICE_FRAME_ERROR_CODES = [
  'BAD_MAGIC', // the first two bytes of a frame are not "YD": not our channel, or we lost sync
  'BAD_VERSION', // a frame of a framing version this side does not speak
  'BAD_KIND', // the kind byte names no message kind
  'TOO_LARGE', // the payload length is over the configured maximum (bytes)
  'BAD_PAYLOAD', // the payload is not strict UTF-8 JSON
  'TRUNCATED', // the stream ended inside a frame
] as const;

export type DeviceFrameErrorCode = (typeof DEVICE_FRAME_ERROR_CODES)[number];

export class DeviceFrameError extends Error {
  override readonly name = 'DeviceFrameError';

  /** @param offset byte offset in the whole stream at which the problem was seen */
  constructor(
    readonly code: DeviceFrameErrorCode,
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}
