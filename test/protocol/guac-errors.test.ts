import assert from 'node:assert/strict';
import { GuacDecoder, GuacProtocolError, InstructionBoundaryScanner, instructionSpans, type GuacErrorCode } from '../../protocol/src/guacamole/index.js';

interface BadInput {
  name: string;
  wire: Buffer;
  code: GuacErrorCode;
  /**
   * The scanner does not validate UTF-8, so it may pass on what the decoder refuses
   * ('accepts') or wait for more bytes ('holds').
   */
  scanner: GuacErrorCode | 'accepts' | 'holds';
  max?: number;
}

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

const BAD_INPUTS: BadInput[] = [
  { name: 'letter in a length', wire: bytes('x.abc;'), code: 'BAD_LENGTH', scanner: 'BAD_LENGTH' },
  { name: 'empty length', wire: bytes('.;'), code: 'BAD_LENGTH', scanner: 'BAD_LENGTH' },
  { name: 'negative length', wire: bytes('-1.a;'), code: 'BAD_LENGTH', scanner: 'BAD_LENGTH' },
  { name: 'length without period', wire: bytes('4size;'), code: 'BAD_LENGTH', scanner: 'BAD_LENGTH' },
  { name: 'bad length after a comma', wire: bytes('4.size,x.1;'), code: 'BAD_LENGTH', scanner: 'BAD_LENGTH' },
  { name: 'length prefix of 11 digits', wire: bytes('12345678901.a;'), code: 'BAD_LENGTH', scanner: 'BAD_LENGTH' },
  { name: 'colon after an element', wire: bytes('4.size:1.0;'), code: 'BAD_TERMINATOR', scanner: 'BAD_TERMINATOR' },
  { name: 'length one short', wire: bytes('3.size;'), code: 'BAD_TERMINATOR', scanner: 'BAD_TERMINATOR' },
  { name: 'newline between instructions', wire: bytes('3.nop;\n3.nop;'), code: 'BAD_LENGTH', scanner: 'BAD_LENGTH' },
  { name: 'length prefix beyond the limit', wire: bytes('100.'), code: 'TOO_LARGE', scanner: 'TOO_LARGE', max: 64 },
  { name: 'many small elements', wire: bytes('4.size,1.0,3.100;'), code: 'TOO_LARGE', scanner: 'TOO_LARGE', max: 16 },
  { name: 'overlong 2-byte NUL', wire: bytes('1.', [0xc0, 0x80], ';'), code: 'BAD_UTF8', scanner: 'accepts' },
  { name: 'overlong 3-byte', wire: bytes('1.', [0xe0, 0x80, 0xaf], ';'), code: 'BAD_UTF8', scanner: 'accepts' },
  { name: 'overlong 4-byte', wire: bytes('1.', [0xf0, 0x8f, 0xbf, 0xbf], ';'), code: 'BAD_UTF8', scanner: 'accepts' },
  { name: 'UTF-16 surrogate U+D800', wire: bytes('1.', [0xed, 0xa0, 0x80], ';'), code: 'BAD_UTF8', scanner: 'accepts' },
  { name: 'beyond U+10FFFF', wire: bytes('1.', [0xf4, 0x90, 0x80, 0x80], ';'), code: 'BAD_UTF8', scanner: 'accepts' },
  { name: 'lead byte 0xF5', wire: bytes('1.', [0xf5, 0x80, 0x80, 0x80], ';'), code: 'BAD_UTF8', scanner: 'accepts' },
  { name: 'lone continuation byte', wire: bytes('2.', [0x80], 'a;'), code: 'BAD_UTF8', scanner: 'holds' },
  { name: 'sequence cut by ASCII', wire: bytes('2.', [0xc3], 'a;'), code: 'BAD_UTF8', scanner: 'accepts' },
  { name: 'sequence cut by the terminator', wire: bytes('1.', [0xe4, 0xbd], ';'), code: 'BAD_UTF8', scanner: 'accepts' },
];

function decoderError(input: BadInput, pieces: Buffer[]): GuacProtocolError {
  const decoder = new GuacDecoder({ maxInstructionBytes: input.max });
  try {
    for (const piece of pieces) decoder.push(piece);
    decoder.end();
  } catch (error) {
    assert.ok(error instanceof GuacProtocolError, String(error));
    return error;
  }
  assert.fail(`${input.name}: no error`);
}

describe('guacamole codec errors', () => {
  for (const input of BAD_INPUTS) {
    it(`${input.code}: ${input.name}`, () => {
      for (let cut = 0; cut <= input.wire.length; cut++) {
        const error = decoderError(input, [input.wire.subarray(0, cut), input.wire.subarray(cut)]);
        assert.equal(error.code, input.code, `decoder, cut at ${cut}: ${error.message}`);
      }
      const scanner = new InstructionBoundaryScanner({ maxInstructionBytes: input.max });
      if (input.scanner === 'accepts') {
        assert.deepEqual(scanner.push(input.wire), input.wire);
      } else if (input.scanner === 'holds') {
        assert.equal(scanner.push(input.wire), null);
        assert.throws(() => scanner.end(), { code: 'TRUNCATED' });
      } else {
        assert.throws(() => scanner.push(input.wire), { name: 'GuacProtocolError', code: input.scanner });
      }
    });
  }

  it('TRUNCATED: the stream ends inside an instruction', () => {
    for (const partial of ['4', '4.', '4.si', '4.size', '4.size,', '4.size,1.0']) {
      const decoder = new GuacDecoder();
      decoder.push(Buffer.from(`3.nop;${partial}`));
      assert.throws(() => decoder.end(), { code: 'TRUNCATED' });
      const scanner = new InstructionBoundaryScanner();
      scanner.push(Buffer.from(`3.nop;${partial}`));
      assert.throws(() => scanner.end(), { code: 'TRUNCATED' });
      assert.throws(() => instructionSpans(Buffer.from(`3.nop;${partial}`)), { code: 'TRUNCATED' });
    }
  });

  it('reports the stream offset of the bad byte', () => {
    const decoder = new GuacDecoder();
    decoder.push(Buffer.from('3.nop;4.si'));
    assert.throws(() => decoder.push(Buffer.from('ze:')), { code: 'BAD_TERMINATOR', offset: 12 });
  });

  it('stays poisoned: every later call throws the same error', () => {
    const decoder = new GuacDecoder();
    assert.throws(() => decoder.push(Buffer.from('3.nop;x')), { code: 'BAD_LENGTH' });
    let first: unknown;
    try {
      decoder.push(Buffer.from('3.nop;'));
    } catch (error) {
      first = error;
    }
    assert.ok(first instanceof GuacProtocolError);
    assert.equal(first.code, 'BAD_LENGTH');
    assert.throws(
      () => decoder.push(Buffer.alloc(0)),
      (error) => error === first,
    );
    assert.throws(
      () => decoder.end(),
      (error) => error === first,
    );

    const scanner = new InstructionBoundaryScanner({ maxInstructionBytes: 8 });
    assert.throws(() => scanner.push(Buffer.from('3.nop;4.size,1.0;')), { code: 'TOO_LARGE' });
    assert.throws(() => scanner.push(Buffer.from('3.nop;')), { code: 'TOO_LARGE' });
    assert.throws(() => scanner.end(), { code: 'TOO_LARGE' });
  });

  it('refuses garbage in instructionSpans', () => {
    assert.throws(() => instructionSpans(Buffer.from('3.nop,x.;')), { code: 'BAD_LENGTH' });
    assert.throws(() => instructionSpans(Buffer.from('3.nop:')), { code: 'BAD_TERMINATOR' });
  });
});
