import assert from 'node:assert/strict';
import {
  DEVICE_FRAME_ERROR_CODES,
  DeviceFrameDecoder,
  DeviceFrameError,
  chunksOf,
  encodeDeviceFrame,
  type DeviceFrame,
  type DeviceFrameDecoderOptions,
  type DeviceFrameErrorCode,
} from '../../protocol/src/devices/index.js';
import { random, splits } from './guac-test-helpers.js';

function decodeAll(pieces: Buffer[], options?: DeviceFrameDecoderOptions): DeviceFrame[] {
  const decoder = new DeviceFrameDecoder(options);
  const out = pieces.flatMap((piece) => decoder.push(piece));
  decoder.end();
  return out;
}

function failureOf(pieces: Buffer[], options?: DeviceFrameDecoderOptions): DeviceFrameError {
  try {
    decodeAll(pieces, options);
  } catch (error) {
    assert.ok(error instanceof DeviceFrameError, String(error));
    return error;
  }
  assert.fail('decoded without an error');
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// Literal wire bytes: magic "YD", version 1, kind, request id (BE), length (BE), JSON payload.
const FIXTURES: Array<{ wire: Buffer; frames: DeviceFrame[] }> = [
  {
    wire: Buffer.concat([hex('5944 01 02 00000007 00000014'), Buffer.from('{"op":"idcard.read"}')]),
    frames: [{ kind: 'request', requestId: 7, body: { op: 'idcard.read' } }],
  },
  { wire: Buffer.concat([hex('5944 01 01 00000000 00000004'), Buffer.from('null')]), frames: [{ kind: 'hello', requestId: 0, body: null }] },
  { wire: Buffer.concat([hex('5944 01 04 ffffffff 00000002'), Buffer.from('{}')]), frames: [{ kind: 'error', requestId: 0xffffffff, body: {} }] },
  // a UTF-8 name split across blobs must survive: 张 is three bytes
  {
    wire: Buffer.concat([hex('5944 01 03 0000002a 00000011'), Buffer.from('{"name":"张三"}')]),
    frames: [{ kind: 'response', requestId: 42, body: { name: '张三' } }],
  },
];

describe('device channel framing', () => {
  it('encodes exactly the literal bytes', () => {
    for (const { wire, frames } of FIXTURES) assert.deepEqual(encodeDeviceFrame(frames[0]!), wire);
    assert.equal(FIXTURES[3]!.wire.length, 12 + 17, '张三 is 6 bytes of UTF-8');
  });

  for (const { wire, frames } of FIXTURES) {
    it(`decodes ${wire.subarray(0, 12).toString('hex')}… split at every position, and byte by byte`, () => {
      let cases = 0;
      for (const pieces of splits(wire)) {
        assert.deepEqual(decodeAll(pieces), frames, `pieces ${pieces.map((p) => p.length).join('+')}`);
        cases++;
      }
      assert.ok(cases > wire.length);
      assert.deepEqual(decodeAll([...wire].map((byte) => Buffer.from([byte]))), frames);
    });
  }

  it('decodes all fixtures back to back from one chunk and from 6 KB blobs', () => {
    const all = Buffer.concat(FIXTURES.map((f) => f.wire));
    assert.deepEqual(
      decodeAll([all]),
      FIXTURES.flatMap((f) => f.frames),
    );
    assert.deepEqual(
      decodeAll([...chunksOf(all, 5)]),
      FIXTURES.flatMap((f) => f.frames),
    );
  });

  it('carries a 1 MiB response in 6 KB blobs and reports what it holds', () => {
    const jpeg = Buffer.alloc(1024 * 1024, 0x41).toString('base64');
    const wire = encodeDeviceFrame({ kind: 'response', requestId: 9, body: { op: 'camera.still', jpeg } });
    const blobs = [...chunksOf(wire)];
    assert.ok(blobs.every((blob) => blob.length <= 6 * 1024));
    const decoder = new DeviceFrameDecoder();
    assert.deepEqual(decoder.push(blobs[0]!), []);
    assert.equal(decoder.bufferedBytes, 6 * 1024);
    const frames = blobs.slice(1).flatMap((blob) => decoder.push(blob));
    assert.equal(frames.length, 1);
    assert.equal((frames[0]!.body as { jpeg: string }).jpeg, jpeg);
    assert.equal(decoder.bufferedBytes, 0);
  });

  it('survives a seeded fuzz of frames cut at random positions', () => {
    const rng = random(0x5944);
    for (let round = 0; round < 200; round++) {
      const frames: DeviceFrame[] = Array.from({ length: 1 + rng.int(5) }, (_, i) => ({
        kind: rng.pick(['hello', 'request', 'response', 'error', 'progress'] as const),
        requestId: rng.int(0xffffffff),
        body: { i, text: '身份证'.repeat(rng.int(50)), n: rng.int(1000) },
      }));
      const wire = Buffer.concat(frames.map((frame) => encodeDeviceFrame(frame)));
      const pieces: Buffer[] = [];
      for (let at = 0; at < wire.length;) {
        const size = 1 + rng.int(64);
        pieces.push(wire.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(decodeAll(pieces), frames, `round ${round}`);
    }
  });

  describe('errors', () => {
    const cases: Array<{ code: DeviceFrameErrorCode; wire: Buffer; offset: number; options?: DeviceFrameDecoderOptions }> = [
      { code: 'BAD_MAGIC', wire: Buffer.from('4.sync,1.0;'), offset: 0 },
      { code: 'BAD_MAGIC', wire: hex('59 45'), offset: 1 },
      { code: 'BAD_VERSION', wire: hex('5944 02 02 00000001 00000002 7b7d'), offset: 2 },
      { code: 'BAD_KIND', wire: hex('5944 01 09 00000001 00000002 7b7d'), offset: 3 },
      { code: 'BAD_KIND', wire: hex('5944 01 00'), offset: 3 },
      { code: 'TOO_LARGE', wire: hex('5944 01 02 00000001 00000011'), offset: 11, options: { maxPayloadBytes: 16 } },
      { code: 'BAD_PAYLOAD', wire: hex('5944 01 02 00000001 00000002 7b7b'), offset: 13 },
      { code: 'BAD_PAYLOAD', wire: hex('5944 01 02 00000001 00000003 22ff22'), offset: 14 },
      { code: 'TRUNCATED', wire: hex('5944 01 02 00000001 00000004 6e75'), offset: 14 },
      { code: 'TRUNCATED', wire: hex('5944 01'), offset: 3 },
    ];

    it('exercises every error code', () => {
      assert.deepEqual(new Set(cases.map((c) => c.code)), new Set(DEVICE_FRAME_ERROR_CODES));
    });

    for (const { code, wire, offset, options } of cases) {
      it(`${code} at byte ${offset} of ${wire.toString('hex')}, wherever the bytes are split`, () => {
        for (const pieces of splits(wire)) {
          const error = failureOf(pieces, options);
          assert.equal(error.code, code, `pieces ${pieces.map((p) => p.length).join('+')}`);
          assert.equal(error.offset, offset, `pieces ${pieces.map((p) => p.length).join('+')}`);
        }
      });
    }

    it('keeps failing with the same error after one', () => {
      const decoder = new DeviceFrameDecoder();
      assert.throws(() => decoder.push(hex('00')), { code: 'BAD_MAGIC' });
      assert.throws(() => decoder.push(FIXTURES[1]!.wire), { code: 'BAD_MAGIC' });
      assert.throws(() => decoder.end(), { code: 'BAD_MAGIC' });
    });

    it('accepts a payload of exactly the limit and refuses what it cannot encode', () => {
      assert.deepEqual(decodeAll([encodeDeviceFrame({ kind: 'hello', requestId: 1, body: 'ab' })], { maxPayloadBytes: 4 }), [
        { kind: 'hello', requestId: 1, body: 'ab' },
      ]);
      assert.throws(() => encodeDeviceFrame({ kind: 'hello', requestId: 1, body: 'abc' }, 4), RangeError);
      assert.throws(() => encodeDeviceFrame({ kind: 'hello', requestId: -1, body: null }), RangeError);
      assert.throws(() => encodeDeviceFrame({ kind: 'hello', requestId: 2 ** 32, body: null }), RangeError);
      assert.throws(() => new DeviceFrameDecoder({ maxPayloadBytes: -1 }), RangeError);
      assert.throws(() => [...chunksOf(Buffer.from('x'), 0)], RangeError);
    });
  });
});
