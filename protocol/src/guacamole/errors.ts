/**
 * Stable error codes of the Guacamole codec. Callers and tests branch on `code`,
 * never on the message text.
 */
export const GUAC_ERROR_CODES = [
  'BAD_LENGTH', // a length prefix holds a non-digit, is empty, or has too many digits
  'BAD_TERMINATOR', // the byte after an element is neither ',' nor ';'
  'TOO_LARGE', // an instruction is longer than the configured maximum (bytes)
  'BAD_UTF8', // an element is not strictly valid UTF-8
  'TRUNCATED', // the stream ended inside an instruction
] as const;

export type GuacErrorCode = (typeof GUAC_ERROR_CODES)[number];

export class GuacProtocolError extends Error {
  override readonly name = 'GuacProtocolError';

  /**
   * @param offset byte offset in the whole stream (all chunks pushed so far) at which
   *   the problem was detected, when known.
   */
  constructor(
    readonly code: GuacErrorCode,
    message: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
  }
}

export function isGuacProtocolError(value: unknown): value is GuacProtocolError {
  return value instanceof GuacProtocolError;
}
