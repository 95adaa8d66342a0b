import { GuacProtocolError } from './errors.js';
import { COMMA, DIGIT_0, DIGIT_9, MAX_LENGTH_DIGITS, PERIOD, SEMICOLON } from './limits.js';

export interface InstructionSpan {
  opcode: string;
  /** Byte range of the whole instruction in the slice, `end` just after its ';'. */
  start: number;
  end: number;
}

/**
 * Lists the instructions of a slice of whole instructions (such as a result of
 * InstructionBoundaryScanner.push) with their opcodes, decoding nothing but opcodes.
 * Code points are counted like the scanner counts them. Throws GuacProtocolError.
 */
export function instructionSpans(slice: Buffer): InstructionSpan[] {
  const spans: InstructionSpan[] = [];
  const end = slice.length;
  let i = 0;
  while (i < end) {
    const start = i;
    let opcode: string | null = null;
    for (;;) {
      let length = 0;
      let digits = 0;
      for (; i < end; i++) {
        const byte = slice[i]!;
        if (byte < DIGIT_0 || byte > DIGIT_9) break;
        if (++digits > MAX_LENGTH_DIGITS) throw new GuacProtocolError('BAD_LENGTH', 'length prefix too long', i);
        length = length * 10 + (byte - DIGIT_0);
      }
      if (i === end) throw new GuacProtocolError('TRUNCATED', 'slice ends inside an instruction', i);
      if (slice[i] !== PERIOD || digits === 0) throw new GuacProtocolError('BAD_LENGTH', 'malformed length prefix', i);
      const elementStart = ++i;
      for (; i < end; i++) {
        if ((slice[i]! & 0xc0) !== 0x80) {
          if (length === 0) break;
          length--;
        }
      }
      if (i === end) throw new GuacProtocolError('TRUNCATED', 'slice ends inside an instruction', i);
      opcode ??= slice.toString('utf8', elementStart, i);
      const terminator = slice[i++];
      if (terminator === SEMICOLON) break;
      if (terminator !== COMMA) throw new GuacProtocolError('BAD_TERMINATOR', 'bad byte after an element', i - 1);
    }
    spans.push({ opcode, start, end: i });
  }
  return spans;
}
