/**
 * guacd itself rejects received instructions over 8 KiB and sends image data in blobs of
 * at most 6048 bytes, so 1 MiB is far above any legitimate instruction while still
 * bounding what one connection can make us buffer.
 */
export const DEFAULT_MAX_INSTRUCTION_BYTES = 1024 * 1024;

/** A length prefix longer than this is garbage, whatever the instruction limit. */
export const MAX_LENGTH_DIGITS = 10;

export interface GuacCodecOptions {
  /** Largest accepted instruction, in encoded bytes including its ';'. */
  maxInstructionBytes?: number;
}

export function resolveMaxInstructionBytes(options: GuacCodecOptions = {}): number {
  const max = options.maxInstructionBytes ?? DEFAULT_MAX_INSTRUCTION_BYTES;
  if (!Number.isSafeInteger(max) || max < 4) {
    throw new RangeError(`maxInstructionBytes must be an integer >= 4, got ${max}`);
  }
  return max;
}

export const DIGIT_0 = 0x30;
export const DIGIT_9 = 0x39;
export const PERIOD = 0x2e;
export const COMMA = 0x2c;
export const SEMICOLON = 0x3b;
