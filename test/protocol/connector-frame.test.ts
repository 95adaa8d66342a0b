import assert from 'node:assert/strict';
import {
  MUX_FRAME_ERROR_CODES,
  MuxFrameDecoder,
  MuxFrameError,
  encodeMuxFrame,
  type MuxFrame,
  type MuxFrameErrorCode,
} from '../../protocol/src/connector/index.js';
import { random, splits } from './guac-test-helpers.js';

function decodeAll(pieces: Buffer[], maxPayloadBytes?: number): MuxFrame[] {
  const decoder = new MuxFrameDecoder(maxPayloadBytes ? { maxPayloadBytes } : {});
  const out = pieces.flatMap((piece) => decoder.push(piece));
  decoder.end();
  return out;
}

function failureOf(pieces: Buffer[], maxPayloadBytes?: number): MuxFrameError {
  try {
    decodeAll(pieces, maxPayloadBytes);
  } catch (error) {
    assert.ok(error instanceof MuxFrameError, String(error));
    return error;
  }
  assert.fail('decoded without an error');
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// Literal wire bytes: magic "YC", version 1, type, stream id (BE), length (BE), payload.
const FIXTURES: Array<{ wire: Buffer; frame: MuxFrame }> = [
  {
    wire: Buffer.concat([hex('5943 01 01 00000001 00000037'), Buffer.from('{"host":"10.9.0.2","port":3389,"sessionId":"s-1","x":1}')]),
    frame: { type: 'open', streamId: 1, body: { host: '10.9.0.2', port: 3389, sessionId: 's-1', x: 1 } },
  },
  { wire: hex('5943 01 02 00000003 00000003 010203'), frame: { type: 'data', streamId: 3, data: Buffer.from([1, 2, 3]) } },
  { wire: hex('5943 01 02 ffffffff 00000000'), frame: { type: 'data', streamId: 0xffffffff, data: Buffer.alloc(0) } },
  { wire: Buffer.concat([hex('5943 01 03 00000007 0000000e'), Buffer.from('{"code":"EOF"}')]), frame: { type: 'close', streamId: 7, body: { code: 'EOF' } } },
  { wire: hex('5943 01 04 00000007 00000004 00040000'), frame: { type: 'window', streamId: 7, increment: 256 * 1024 } },
];

describe('connector mux framing', () => {
  it('encodes exactly the literal bytes', () => {
    for (const { wire, frame } of FIXTURES) assert.deepEqual(encodeMuxFrame(frame), wire);
  });

  for (const { wire, frame } of FIXTURES) {
    it(`decodes ${wire.subarray(0, 12).toString('hex')}… split at every position`, () => {
      let cases = 0;
      for (const pieces of splits(wire)) {
        assert.deepEqual(decodeAll(pieces), [frame], `pieces ${pieces.map((p) => p.length).join('+')}`);
        cases++;
      }
      assert.ok(cases > wire.length);
    });
  }

  it('decodes all fixtures back to back, byte by byte', () => {
    const wire = Buffer.concat(FIXTURES.map((f) => f.wire));
    const bytes = [...wire].map((b) => Buffer.from([b]));
    assert.deepEqual(
      decodeAll(bytes),
      FIXTURES.map((f) => f.frame),
    );
  });

  const BAD: Array<{ code: MuxFrameErrorCode; wire: Buffer; offset: number; max?: number }> = [
    { code: 'BAD_MAGIC', wire: hex('5944 01 02 00000001 00000000'), offset: 1 },
    { code: 'BAD_VERSION', wire: hex('5943 02 02 00000001 00000000'), offset: 2 },
    { code: 'BAD_TYPE', wire: hex('5943 01 09 00000001 00000000'), offset: 3 },
    { code: 'BAD_STREAM_ID', wire: hex('5943 01 02 00000000 00000000'), offset: 7 },
    { code: 'TOO_LARGE', wire: hex('5943 01 02 00000001 00000011'), offset: 11, max: 16 },
    { code: 'BAD_WINDOW', wire: hex('5943 01 04 00000001 00000002 0001'), offset: 11 },
    { code: 'BAD_WINDOW', wire: hex('5943 01 04 00000001 00000004 00000000'), offset: 15 },
    { code: 'BAD_PAYLOAD', wire: Buffer.concat([hex('5943 01 01 00000001 00000002'), Buffer.from('{x')]), offset: 13 },
    { code: 'BAD_PAYLOAD', wire: Buffer.concat([hex('5943 01 03 00000001 00000003'), Buffer.from([0x22, 0xe5, 0x22])]), offset: 14 },
    { code: 'TRUNCATED', wire: hex('5943 01 02 00000001 00000003 0102'), offset: 14 },
  ];

  for (const { code, wire, offset, max } of BAD) {
    it(`fails with ${code} at byte ${offset} however the bytes are split`, () => {
      for (const pieces of splits(wire)) {
        const error = failureOf(pieces, max);
        assert.equal(error.code, code);
        assert.equal(error.offset, offset, `pieces ${pieces.map((p) => p.length).join('+')}`);
      }
    });
  }

  it('exercises every error code', () => {
    assert.deepEqual(new Set(BAD.map((b) => b.code)), new Set(MUX_FRAME_ERROR_CODES));
  });

  it('keeps throwing the first error', () => {
    const decoder = new MuxFrameDecoder();
    assert.throws(() => decoder.push(hex('00')), { code: 'BAD_MAGIC' });
    assert.throws(() => decoder.push(FIXTURES[1]!.wire), { code: 'BAD_MAGIC' });
  });

  it('refuses to encode what it could not decode', () => {
    assert.throws(() => encodeMuxFrame({ type: 'data', streamId: 0, data: Buffer.alloc(0) }), RangeError);
    assert.throws(() => encodeMuxFrame({ type: 'window', streamId: 1, increment: 0 }), RangeError);
    assert.throws(() => encodeMuxFrame({ type: 'data', streamId: 1, data: Buffer.alloc(17) }, 16), RangeError);
  });

  it('round-trips seeded random frames cut at random places', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rng = random(seed);
      const frames: MuxFrame[] = Array.from({ length: 1 + rng.int(20) }, (_, i): MuxFrame => {
        const streamId = 1 + rng.int(1000);
        const kind = rng.int(4);
        if (kind === 0) return { type: 'data', streamId, data: Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256))) };
        if (kind === 1) return { type: 'window', streamId, increment: 1 + rng.int(1 << 20) };
        if (kind === 2) return { type: 'open', streamId, body: { host: `10.0.0.${i}`, port: 3389, sessionId: null } };
        return { type: 'close', streamId, body: { code: 'RESET', message: '重置' } };
      });
      const wire = Buffer.concat(frames.map((f) => encodeMuxFrame(f)));
      const pieces: Buffer[] = [];
      for (let at = 0; at < wire.length;) {
        const n = 1 + rng.int(64);
        pieces.push(wire.subarray(at, at + n));
        at += n;
      }
      assert.deepEqual(decodeAll(pieces), frames, `seed ${seed}`);
    }
  });
});
