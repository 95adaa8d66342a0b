import assert from 'node:assert/strict';
import { GuacDecoder, type Instruction } from '../../protocol/src/guacamole/index.js';
import { FIXTURES } from './guac-fixtures.js';
import { decodeAll, splits } from './guac-test-helpers.js';

describe('guacamole streaming decoder', () => {
  it('checks the byte lengths the fixtures claim', () => {
    assert.equal(FIXTURES[1]!.wire.length, 9, '2.你好; is 6 element bytes');
    assert.equal(FIXTURES[2]!.wire.length, 11, '😀 is one code point of 4 bytes');
  });

  for (const { wire, instructions } of FIXTURES) {
    it(`decodes ${JSON.stringify(wire.toString())} split at every position`, () => {
      let cases = 0;
      for (const pieces of splits(wire)) {
        assert.deepEqual(decodeAll(pieces), instructions, `pieces ${pieces.map((p) => p.length).join('+')}`);
        cases++;
      }
      assert.ok(cases > wire.length);
    });

    it(`decodes ${JSON.stringify(wire.toString())} one byte at a time`, () => {
      assert.deepEqual(decodeAll([...wire].map((byte) => Buffer.from([byte]))), instructions);
    });
  }

  it('decodes every fixture from one chunk', () => {
    const all = Buffer.concat(FIXTURES.map((f) => f.wire));
    assert.deepEqual(
      decodeAll([all]),
      FIXTURES.flatMap((f) => f.instructions),
    );
  });

  it('returns nothing until an instruction is whole, and reports what it holds', () => {
    const decoder = new GuacDecoder();
    assert.deepEqual(decoder.push(Buffer.from('4.sync,4.12')), []);
    assert.equal(decoder.bufferedBytes, 11);
    assert.deepEqual(decoder.push(Buffer.from('34;3.n')), [{ opcode: 'sync', args: ['1234'] }]);
    assert.equal(decoder.bufferedBytes, 3);
    assert.deepEqual(decoder.push(Buffer.from('op;')), [{ opcode: 'nop', args: [] }]);
    assert.equal(decoder.bufferedBytes, 0);
    assert.deepEqual(decoder.push(Buffer.alloc(0)), []);
    decoder.end();
  });

  it('accepts an instruction of exactly maxInstructionBytes', () => {
    const wire = Buffer.from('4.size,1.0,2.10;');
    assert.equal(wire.length, 16);
    assert.deepEqual(decodeAll([wire], { maxInstructionBytes: 16 }), [{ opcode: 'size', args: ['0', '10'] }]);
  });

  it('refuses a nonsensical maxInstructionBytes', () => {
    assert.throws(() => new GuacDecoder({ maxInstructionBytes: 0 }), RangeError);
    assert.throws(() => new GuacDecoder({ maxInstructionBytes: 1.5 }), RangeError);
  });

  it('takes linear time on a large element pushed one byte at a time', function () {
    this.timeout(20_000);
    const size = 512 * 1024; // a quadratic decoder copies ~64 GiB here and never finishes
    const wire = Buffer.concat([Buffer.from(`4.blob,1.0,${size}.`), Buffer.alloc(size, 0x41), Buffer.from(';')]);
    const decoder = new GuacDecoder();
    const started = performance.now();
    const out: Instruction[] = [];
    for (let i = 0; i < wire.length; i++) out.push(...decoder.push(wire.subarray(i, i + 1)));
    const elapsedMs = performance.now() - started;
    assert.equal(out.length, 1);
    assert.equal(out[0]!.args[1]!.length, size);
    assert.ok(elapsedMs < 5_000, `took ${elapsedMs.toFixed(0)} ms`);
  });
});
