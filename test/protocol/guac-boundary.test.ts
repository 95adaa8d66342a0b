import assert from 'node:assert/strict';
import { InstructionBoundaryScanner, instructionSpans } from '../../protocol/src/guacamole/index.js';
import { FIXTURES } from './guac-fixtures.js';
import { scanAll, splits } from './guac-test-helpers.js';

describe('guacamole instruction boundary scanner', () => {
  for (const { wire, instructions } of FIXTURES) {
    it(`cuts ${JSON.stringify(wire.toString())} at instruction ends, split at every position`, () => {
      // The wire plus an unfinished instruction that must stay behind as carry.
      const tail = Buffer.from('4.sync,3.1');
      const input = Buffer.concat([wire, tail]);
      for (const pieces of splits(input)) {
        const { slices, tail: held } = scanAll(pieces);
        for (const slice of slices) assert.equal(slice.at(-1), 0x3b, 'every slice ends at ;');
        assert.deepEqual(Buffer.concat(slices), wire, `pieces ${pieces.map((p) => p.length).join('+')}`);
        assert.equal(held, tail.length);
        const opcodes = slices.flatMap((slice) => instructionSpans(slice).map((span) => span.opcode));
        assert.deepEqual(
          opcodes,
          instructions.map((i) => i.opcode),
        );
      }
    });
  }

  it('skips long ASCII and long multi-byte elements whole, split at every position', () => {
    const ascii = 'A'.repeat(300);
    const cjk = '云桌'.repeat(60); // 120 code points, 360 bytes: must not be taken for ASCII
    const wire = Buffer.from(`4.blob,1.0,${ascii.length}.${ascii};4.blob,1.1,${cjk.length}.${cjk};4.sync,1.9;`);
    for (let at = 0; at <= wire.length; at++) {
      const { slices, tail } = scanAll([wire.subarray(0, at), wire.subarray(at)]);
      assert.deepEqual(Buffer.concat(slices), wire, `split at ${at}`);
      assert.equal(tail, 0);
    }
    // a length that overstates the ASCII bytes must not be skipped past the terminator
    assert.throws(() => scanAll([Buffer.from(`4.blob,${ascii.length + 1}.${ascii};`), Buffer.from('x;')]), { code: 'BAD_TERMINATOR' });
  });

  it('returns a zero-copy subarray when nothing is held', () => {
    const chunk = Buffer.from('3.nop;4.sync,1.5;4.si');
    const slice = new InstructionBoundaryScanner().push(chunk);
    assert.ok(slice);
    assert.equal(slice.buffer, chunk.buffer);
    assert.equal(slice.byteOffset, chunk.byteOffset);
    assert.equal(slice.toString(), '3.nop;4.sync,1.5;');
  });

  it('copies the unfinished tail, so the caller may reuse its chunk', () => {
    const scanner = new InstructionBoundaryScanner();
    const chunk = Buffer.from('3.nop;4.sy');
    assert.equal(scanner.push(chunk)?.toString(), '3.nop;');
    chunk.fill(0x21);
    assert.equal(scanner.push(Buffer.from('nc,1.5;'))?.toString(), '4.sync,1.5;');
  });

  it('returns null until an instruction is whole', () => {
    const scanner = new InstructionBoundaryScanner();
    assert.equal(scanner.push(Buffer.from('4.')), null);
    assert.equal(scanner.push(Buffer.from('sync')), null);
    assert.equal(scanner.bufferedBytes, 6);
    assert.equal(scanner.push(Buffer.from(',1.5;'))?.toString(), '4.sync,1.5;');
    assert.equal(scanner.bufferedBytes, 0);
    scanner.end();
  });

  it('skips multi-byte code points by lead bytes, one byte at a time', () => {
    const wire = Buffer.from('3.img,4.😀你é!;');
    const { slices, tail } = scanAll([...wire].map((byte) => Buffer.from([byte])));
    assert.deepEqual(slices, [wire]);
    assert.equal(tail, 0);
  });

  it('lists spans and opcodes of a slice', () => {
    const slice = Buffer.from('0.,4.ping,1.1;4.sync,1.5;2.你好,1.x;');
    assert.deepEqual(instructionSpans(slice), [
      { opcode: '', start: 0, end: 14 },
      { opcode: 'sync', start: 14, end: 25 },
      { opcode: '你好', start: 25, end: slice.length },
    ]);
  });

  it('takes linear time on a large instruction pushed one byte at a time', function () {
    this.timeout(20_000);
    const size = 512 * 1024;
    const wire = Buffer.concat([Buffer.from(`4.blob,1.0,${size}.`), Buffer.alloc(size, 0x41), Buffer.from(';')]);
    const scanner = new InstructionBoundaryScanner();
    const started = performance.now();
    const slices: Buffer[] = [];
    for (let i = 0; i < wire.length; i++) {
      const slice = scanner.push(wire.subarray(i, i + 1));
      if (slice) slices.push(slice);
    }
    const elapsedMs = performance.now() - started;
    assert.equal(slices.length, 1);
    assert.deepEqual(slices[0], wire);
    assert.ok(elapsedMs < 5_000, `took ${elapsedMs.toFixed(0)} ms`);
  });
});
