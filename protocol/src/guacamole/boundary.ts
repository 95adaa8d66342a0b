import { isAscii } from 'node:buffer';
import { GuacProtocolError, type GuacErrorCode } from './errors.js';
import { COMMA, DIGIT_0, DIGIT_9, MAX_LENGTH_DIGITS, PERIOD, SEMICOLON, resolveMaxInstructionBytes, type GuacCodecOptions } from './limits.js';

const LENGTH = 0;
const ELEMENT = 1;
/** elements at least this long are checked for ASCII in one call instead of byte by byte */
const ASCII_SKIP_MIN = 64;

/**
 * Server→client fast path of a relay: cuts a byte stream at instruction boundaries
 * without decoding any element. It walks length prefixes and skips code points by
 * counting bytes that are not UTF-8 continuation bytes (0b10xxxxxx); it does not
 * validate UTF-8 (use GuacDecoder where content matters). Each byte is examined once.
 */
export class InstructionBoundaryScanner {
  readonly maxInstructionBytes: number;
  #state = LENGTH;
  #length = 0;
  #digits = 0;
  #remaining = 0; // code points of the current element not yet seen
  #carry = Buffer.alloc(0); // the unfinished instruction's bytes from earlier pushes
  #carryLength = 0;
  #streamOffset = 0;
  #error: GuacProtocolError | null = null;

  constructor(options: GuacCodecOptions = {}) {
    this.maxInstructionBytes = resolveMaxInstructionBytes(options);
  }

  /** Bytes of an unfinished instruction held from earlier pushes. */
  get bufferedBytes(): number {
    return this.#carryLength;
  }

  /**
   * Returns every whole instruction completed by this chunk (held bytes first), or null
   * if none completed. When nothing was held the result is a subarray of `chunk`, so the
   * caller must not modify `chunk` afterwards; the unfinished tail is copied.
   */
  push(chunk: Buffer): Buffer | null {
    if (this.#error) throw this.#error;
    try {
      return this.#cut(chunk);
    } catch (error) {
      if (error instanceof GuacProtocolError) this.#error = error;
      throw error;
    }
  }

  /** Declares the end of the stream; throws TRUNCATED inside an instruction. */
  end(): void {
    if (this.#error) throw this.#error;
    if (this.#carryLength > 0) {
      this.#error = new GuacProtocolError('TRUNCATED', 'stream ended inside an instruction', this.#streamOffset);
      throw this.#error;
    }
  }

  #cut(chunk: Buffer): Buffer | null {
    const cut = this.#scan(chunk);
    let whole: Buffer | null = null;
    if (cut > 0) {
      if (this.#carryLength === 0) {
        whole = chunk.subarray(0, cut);
      } else {
        whole = Buffer.allocUnsafe(this.#carryLength + cut);
        this.#carry.copy(whole, 0, 0, this.#carryLength);
        chunk.copy(whole, this.#carryLength, 0, cut);
        this.#carryLength = 0;
      }
    }
    this.#appendCarry(chunk, cut);
    this.#streamOffset += chunk.length;
    return whole;
  }

  /** Runs the state machine over `chunk`; returns the end of its last whole instruction. */
  #scan(chunk: Buffer): number {
    const end = chunk.length;
    const max = this.maxInstructionBytes;
    let held = this.#carryLength; // bytes of the current instruction before `start`
    let start = 0;
    let cut = 0;
    let i = 0;
    let remaining = this.#remaining;
    while (i < end) {
      if (this.#state === ELEMENT) {
        // Long elements (image blobs, base64) are ASCII: one vectorised check skips them whole.
        if (remaining >= ASCII_SKIP_MIN && i + remaining <= end && isAscii(chunk.subarray(i, i + remaining))) {
          i += remaining;
          remaining = 0;
        }
        for (; i < end; i++) {
          if ((chunk[i]! & 0xc0) !== 0x80) {
            if (remaining === 0) break;
            remaining--;
          }
        }
        if (i === end) break;
        const byte = chunk[i]!;
        i++;
        if (byte === COMMA) {
          this.#state = LENGTH;
        } else if (byte === SEMICOLON) {
          if (held + (i - start) > max) this.#tooLarge(i);
          this.#state = LENGTH;
          held = 0;
          start = cut = i;
        } else {
          this.#fail('BAD_TERMINATOR', `byte 0x${byte.toString(16)} after an element`, i - 1);
        }
      } else {
        const byte = chunk[i]!;
        i++;
        if (byte >= DIGIT_0 && byte <= DIGIT_9) {
          if (++this.#digits > MAX_LENGTH_DIGITS) this.#fail('BAD_LENGTH', 'length prefix too long', i - 1);
          this.#length = this.#length * 10 + (byte - DIGIT_0);
          continue;
        }
        if (byte !== PERIOD) this.#fail('BAD_LENGTH', `byte 0x${byte.toString(16)} in a length prefix`, i - 1);
        if (this.#digits === 0) this.#fail('BAD_LENGTH', 'empty length prefix', i - 1);
        // The element needs at least one byte per code point, then a terminator.
        if (held + (i - start) + this.#length + 1 > max) this.#tooLarge(i);
        remaining = this.#length;
        this.#length = 0;
        this.#digits = 0;
        this.#state = ELEMENT;
      }
    }
    this.#remaining = remaining;
    if (held + (end - start) > max) this.#tooLarge(end);
    return cut;
  }

  #appendCarry(chunk: Buffer, from: number): void {
    const needed = this.#carryLength + (chunk.length - from);
    if (needed > this.#carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxInstructionBytes, Math.max(needed, this.#carry.length * 2)));
      this.#carry.copy(grown, 0, 0, this.#carryLength);
      this.#carry = grown;
    }
    chunk.copy(this.#carry, this.#carryLength, from);
    this.#carryLength = needed;
  }

  #tooLarge(at: number): never {
    this.#fail('TOO_LARGE', `instruction longer than ${this.maxInstructionBytes} bytes`, at);
  }

  #fail(code: GuacErrorCode, message: string, at: number): never {
    throw new GuacProtocolError(code, message, this.#streamOffset + at);
  }
}
