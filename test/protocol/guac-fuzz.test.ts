import assert from 'node:assert/strict';
import {
  GUAC_ERROR_CODES,
  GuacDecoder,
  GuacProtocolError,
  InstructionBoundaryScanner,
  encodeInstruction,
  instructionSpans,
  type GuacErrorCode,
  type Instruction,
} from '../../protocol/src/guacamole/index.js';
import { random, randomChunks, type Random } from './guac-test-helpers.js';

const CASES = 20_000;
const OPCODES = ['', 'size', 'sync', 'img', 'blob', 'clipboard', 'mouse', 'key', '你好', '😀'];
const CHARS = ['a', 'Z', '0', '9', ',', ';', '.', ' ', 'é', '€', '你', '😀', '\u0000', '\u{10FFFF}'];
const INTERESTING = [0x2c, 0x3b, 0x2e, 0x30, 0x39, 0x80, 0xbf, 0xc0, 0xc3, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff];

function randomInstruction(rng: Random): Instruction {
  const args: string[] = [];
  for (let n = rng.int(6); n > 0; n--) {
    let text = '';
    for (let length = rng.chance(0.1) ? rng.int(300) : rng.int(12); length > 0; length--) text += rng.pick(CHARS);
    args.push(text);
  }
  return { opcode: rng.pick(OPCODES), args };
}

function encodeAll(instructions: Instruction[]): Buffer {
  return Buffer.from(instructions.map((i) => encodeInstruction(i.opcode, ...i.args)).join(''));
}

function mutate(bytes: Buffer, rng: Random): Buffer {
  const out = [...bytes];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = rng.int(out.length + 1);
    const value = rng.chance(0.5) ? rng.pick(INTERESTING) : rng.int(256);
    switch (rng.int(4)) {
      case 0:
        if (at < out.length) out[at] = out[at]! ^ (1 << rng.int(8));
        break;
      case 1:
        out.splice(at, 0, value);
        break;
      case 2:
        out.splice(at, 1);
        break;
      default:
        out.splice(at, 0, ...Buffer.from(String(rng.int(100_000)))); // a random length
    }
  }
  return Buffer.from(out);
}

/** Pushes chunks; anything thrown but a known GuacProtocolError fails the test. */
function run<T>(chunks: Buffer[], push: (chunk: Buffer) => T[], end: () => void, held: () => number, max: number) {
  const out: T[] = [];
  let error: GuacProtocolError | null = null;
  for (const chunk of [...chunks, null]) {
    try {
      if (chunk === null) end();
      else out.push(...push(chunk));
    } catch (thrown) {
      if (!(thrown instanceof GuacProtocolError)) throw thrown;
      assert.ok(GUAC_ERROR_CODES.includes(thrown.code), thrown.code);
      assert.throws(
        () => push(Buffer.from('3.nop;')),
        (again) => again === thrown,
        'stays poisoned',
      );
      error = thrown;
      break;
    }
    assert.ok(held() <= max + (chunk?.length ?? 0), `holds ${held()} bytes`);
  }
  return { out, error };
}

function decode(chunks: Buffer[], max: number) {
  const decoder = new GuacDecoder({ maxInstructionBytes: max });
  return run(
    chunks,
    (c) => decoder.push(c),
    () => decoder.end(),
    () => decoder.bufferedBytes,
    max,
  );
}

function scan(chunks: Buffer[], max: number) {
  const scanner = new InstructionBoundaryScanner({ maxInstructionBytes: max });
  const push = (c: Buffer) => {
    const slice = scanner.push(c);
    return slice ? [slice] : [];
  };
  return run(
    chunks,
    push,
    () => scanner.end(),
    () => scanner.bufferedBytes,
    max,
  );
}

describe('guacamole codec fuzz', () => {
  it(`survives ${CASES} random and mutated inputs in random chunks`, function () {
    this.timeout(60_000);
    const rng = random(0x5eed_1234);
    const seen = new Set<GuacErrorCode>();
    let valid = 0;
    const started = performance.now();
    for (let n = 0; n < CASES; n++) {
      const instructions = Array.from({ length: 1 + rng.int(5) }, () => randomInstruction(rng));
      const wire = encodeAll(instructions);
      const max = rng.chance(0.2) ? 16 + rng.int(200) : 64 * 1024;
      const mutated = rng.chance(0.1) ? Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256))) : rng.chance(0.75) ? mutate(wire, rng) : wire;
      const chunks = randomChunks(mutated, rng, rng.chance(0.5) ? 4 : 64);
      const decoded = decode(chunks, max);
      const scanned = scan(chunks, max);
      if (decoded.error) seen.add(decoded.error.code);
      if (scanned.error) seen.add(scanned.error.code);
      if (mutated === wire && wire.length <= max) {
        valid++;
        assert.equal(decoded.error, null, `seed case ${n}: ${decoded.error?.message}`);
        assert.deepEqual(decoded.out, instructions);
        assert.deepEqual(encodeAll(decoded.out), wire, 'round trip');
      }
      if (decoded.error === null) {
        // Whatever the decoder accepts the scanner cuts the same way.
        assert.equal(scanned.error, null, `case ${n}: ${scanned.error?.message}`);
        assert.deepEqual(Buffer.concat(scanned.out), mutated);
        const spans = scanned.out.flatMap((slice) => instructionSpans(slice));
        assert.deepEqual(
          spans.map((s) => s.opcode),
          decoded.out.map((i) => i.opcode),
        );
        if (mutated === wire) {
          const ends = scanned.out.flatMap((slice) => instructionSpans(slice).map((s) => s.end - s.start));
          assert.deepEqual(
            ends,
            instructions.map((i) => Buffer.byteLength(encodeInstruction(i.opcode, ...i.args))),
          );
        }
      }
    }
    const elapsedMs = performance.now() - started;
    assert.ok(valid > CASES / 10, `only ${valid} valid cases`);
    assert.deepEqual([...seen].sort(), [...GUAC_ERROR_CODES].sort(), 'every error code is exercised');
    assert.ok(elapsedMs < 30_000, `took ${elapsedMs.toFixed(0)} ms`);
  });
});
