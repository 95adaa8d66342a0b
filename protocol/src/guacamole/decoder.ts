import { GuacProtocolError, type GuacErrorCode } from './errors.js';
import { COMMA, DIGIT_0, DIGIT_9, MAX_LENGTH_DIGITS, PERIOD, SEMICOLON, resolveMaxInstructionBytes, type GuacCodecOptions } from './limits.js';

export interface Instruction {
  opcode: string;
  args: string[];
}

const LENGTH = 0;
const ELEMENT = 1;
const TERMINATOR = 2;

/**
 * Streaming decoder: push Buffers split anywhere (inside a length prefix or a UTF-8
 * character), get whole instructions back. Every byte is examined once; completed
 * elements become strings at once and only the unfinished element's bytes are kept, so
 * memory stays within maxInstructionBytes. After an error every call throws that error.
 */
export class GuacDecoder {
  readonly maxInstructionBytes: number;
  #state = LENGTH;
  #length = 0; // value of the length prefix being read
  #digits = 0;
  #remaining = 0; // code points of the current element not yet seen
  #need = 0; // continuation bytes still expected in the current code point
  #lo = 0x80; // allowed range of the next continuation byte (strict UTF-8)
  #hi = 0xbf;
  #elements: string[] = [];
  #carry = Buffer.alloc(0); // bytes of the current element from earlier chunks
  #carryLength = 0;
  #instructionBytes = 0; // bytes of the current instruction from earlier chunks
  #streamOffset = 0; // stream offset of the chunk being decoded
  #error: GuacProtocolError | null = null;

  constructor(options: GuacCodecOptions = {}) {
    this.maxInstructionBytes = resolveMaxInstructionBytes(options);
  }

  /** Bytes of an unfinished instruction held from earlier pushes. */
  get bufferedBytes(): number {
    return this.#instructionBytes;
  }

  /** Decodes a chunk; instructions completed before an error in the same chunk are lost. */
  push(chunk: Buffer): Instruction[] {
    if (this.#error) throw this.#error;
    try {
      return this.#decode(chunk);
    } catch (error) {
      if (error instanceof GuacProtocolError) this.#error = error;
      throw error;
    }
  }

  /** Declares the end of the stream; throws TRUNCATED inside an instruction. */
  end(): void {
    if (this.#error) throw this.#error;
    if (this.#instructionBytes > 0) {
      this.#error = new GuacProtocolError('TRUNCATED', 'stream ended inside an instruction', this.#streamOffset);
      throw this.#error;
    }
  }

  #decode(chunk: Buffer): Instruction[] {
    const out: Instruction[] = [];
    const end = chunk.length;
    const max = this.maxInstructionBytes;
    let i = 0;
    let start = 0; // where the current instruction began in this chunk (0 if earlier)
    let elementStart = 0;
    while (i < end) {
      if (this.#state === ELEMENT) {
        i = this.#scanElement(chunk, i, end);
        if (this.#remaining > 0 || this.#need > 0) break;
        if (this.#instructionBytes + (i - start) + 1 > max) this.#tooLarge(i);
        this.#elements.push(this.#takeElement(chunk, elementStart, i));
        this.#state = TERMINATOR;
      } else if (this.#state === LENGTH) {
        const byte = chunk[i]!;
        if (byte >= DIGIT_0 && byte <= DIGIT_9) {
          if (++this.#digits > MAX_LENGTH_DIGITS) this.#fail('BAD_LENGTH', 'length prefix too long', i);
          this.#length = this.#length * 10 + (byte - DIGIT_0);
          i++;
          continue;
        }
        if (byte !== PERIOD) this.#fail('BAD_LENGTH', `byte 0x${byte.toString(16)} in a length prefix`, i);
        if (this.#digits === 0) this.#fail('BAD_LENGTH', 'empty length prefix', i);
        i++;
        // The element needs at least one byte per code point, then a terminator.
        if (this.#instructionBytes + (i - start) + this.#length + 1 > max) this.#tooLarge(i);
        this.#remaining = this.#length;
        this.#length = 0;
        this.#digits = 0;
        this.#state = ELEMENT;
        elementStart = i;
      } else {
        const byte = chunk[i]!;
        i++;
        if (byte === COMMA) {
          this.#state = LENGTH;
        } else if (byte === SEMICOLON) {
          const [opcode = '', ...args] = this.#elements;
          out.push({ opcode, args });
          this.#elements = [];
          this.#instructionBytes = 0;
          this.#state = LENGTH;
          start = i;
        } else {
          this.#fail('BAD_TERMINATOR', `byte 0x${byte.toString(16)} after an element`, i - 1);
        }
      }
    }
    const held = this.#instructionBytes + (end - start);
    if (held > max) this.#tooLarge(end);
    if (this.#state === ELEMENT) this.#appendCarry(chunk, elementStart, end);
    this.#instructionBytes = held;
    this.#streamOffset += end;
    return out;
  }

  /** Consumes element bytes, validating UTF-8 strictly; returns the index reached. */
  #scanElement(chunk: Buffer, i: number, end: number): number {
    let remaining = this.#remaining;
    let need = this.#need;
    let lo = this.#lo;
    let hi = this.#hi;
    while (i < end) {
      const byte = chunk[i]!;
      if (need > 0) {
        if (byte < lo || byte > hi) this.#fail('BAD_UTF8', 'invalid UTF-8 continuation byte', i);
        lo = 0x80;
        hi = 0xbf;
        need--;
      } else if (remaining === 0) {
        break;
      } else {
        remaining--;
        if (byte >= 0x80) {
          // Lead bytes per Unicode table 3-7: no overlongs, surrogates or > U+10FFFF.
          if (byte < 0xc2 || byte > 0xf4) this.#fail('BAD_UTF8', 'invalid UTF-8 lead byte', i);
          if (byte < 0xe0) need = 1;
          else if (byte < 0xf0) need = 2;
          else need = 3;
          if (byte === 0xe0) lo = 0xa0;
          else if (byte === 0xed) hi = 0x9f;
          else if (byte === 0xf0) lo = 0x90;
          else if (byte === 0xf4) hi = 0x8f;
        }
      }
      i++;
    }
    this.#remaining = remaining;
    this.#need = need;
    this.#lo = lo;
    this.#hi = hi;
    return i;
  }

  #takeElement(chunk: Buffer, from: number, to: number): string {
    if (this.#carryLength === 0) return chunk.toString('utf8', from, to);
    this.#appendCarry(chunk, from, to);
    const text = this.#carry.toString('utf8', 0, this.#carryLength);
    this.#carryLength = 0;
    return text;
  }

  #appendCarry(chunk: Buffer, from: number, to: number): void {
    const needed = this.#carryLength + (to - from);
    if (needed > this.#carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxInstructionBytes, Math.max(needed, this.#carry.length * 2)));
      this.#carry.copy(grown, 0, 0, this.#carryLength);
      this.#carry = grown;
    }
    chunk.copy(this.#carry, this.#carryLength, from, to);
    this.#carryLength = needed;
  }

  #tooLarge(at: number): never {
    this.#fail('TOO_LARGE', `instruction longer than ${this.maxInstructionBytes} bytes`, at);
  }

  #fail(code: GuacErrorCode, message: string, at: number): never {
    throw new GuacProtocolError(code, message, this.#streamOffset + at);
  }
}
