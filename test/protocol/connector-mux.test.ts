import assert from 'node:assert/strict';
import { once } from 'node:events';
import { encodeMuxFrame, MuxSession, MuxStreamError, type MuxStream } from '../../protocol/src/connector/index.js';
import { eventually } from '../helpers/eventually.js';

/** Two sessions joined like a link: bytes cross on a later turn of the event loop, as over a socket. */
function pair(opts: { windowBytes?: number; maxStreams?: number } = {}) {
  const accepted: Array<{ stream: MuxStream; body: unknown }> = [];
  let toAcceptor: (b: Buffer) => void = () => undefined;
  let toOpener: (b: Buffer) => void = () => undefined;
  const opener = new MuxSession({ role: 'opener', write: (b) => toAcceptor(b), ...opts });
  const acceptor = new MuxSession({ role: 'acceptor', write: (b) => toOpener(b), onStream: (stream, body) => accepted.push({ stream, body }), ...opts });
  toAcceptor = (b) => setImmediate(() => acceptor.receive(b));
  toOpener = (b) => setImmediate(() => opener.receive(b));
  return { opener, acceptor, accepted };
}

const until = (check: () => void) =>
  eventually(
    () => {
      check();
      return true;
    },
    { timeoutMs: 20_000 },
  );

/** reads to the end without destroying (a for-await would destroy the Duplex's writable half too) */
function readAll(stream: MuxStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

describe('connector multiplexer', () => {
  it('carries bytes both ways, and a half-close keeps the other direction open', async () => {
    const { opener, accepted } = pair({ windowBytes: 4096 });
    const a = opener.open({ host: 'h', port: 1, sessionId: null })!;
    const big = Buffer.alloc(100_000, 7);
    a.end(big); // more than 20 windows: only credit granted back lets it through
    await until(() => assert.equal(accepted.length, 1));
    const b = accepted[0]!.stream;
    assert.deepEqual(accepted[0]!.body, { host: 'h', port: 1, sessionId: null });
    assert.deepEqual(await readAll(b), big);
    b.end(Buffer.from('回答'));
    assert.equal((await readAll(a)).toString(), '回答');
    await until(() => assert.equal(opener.size, 0));
  });

  it('a stalled stream stops at its window and does not hold up another', async () => {
    const windowBytes = 64 * 1024;
    const { opener, acceptor, accepted } = pair({ windowBytes });
    const stalled = opener.open({ n: 1 })!;
    const busy = opener.open({ n: 2 })!;
    let written = 0;
    const chunk = Buffer.alloc(8192, 1);
    const pump = () => {
      while (written < 1_000_000 && stalled.write(chunk)) written += chunk.length;
    };
    stalled.on('drain', pump);
    pump();
    await until(() => assert.equal(accepted.length, 2));
    // nobody reads the first stream; the second carries 2 MB meanwhile
    busy.end(Buffer.alloc(2_000_000, 2));
    const got = await readAll(accepted[1]!.stream);
    assert.equal(got.length, 2_000_000);
    await until(() => assert.equal(stalled.sendCredit, 0));
    assert.ok(accepted[0]!.stream.readableLength <= windowBytes, `receiver holds ${accepted[0]!.stream.readableLength} bytes`);
    assert.ok(stalled.writableLength <= 16 * 1024 + chunk.length, `writer buffers ${stalled.writableLength} bytes`);
    assert.equal(acceptor.bytes.in, 2_000_000 + windowBytes);
    // reading again releases it
    stalled.on('drain', () => {
      if (written >= 1_000_000) stalled.end();
    });
    const rest = await readAll(accepted[0]!.stream);
    await until(() => assert.ok(written >= 1_000_000));
    if (!stalled.writableEnded) stalled.end();
    assert.ok(rest.length >= windowBytes);
  });

  it('refuses a stream over the cap with STREAM_LIMIT', async () => {
    const { opener, accepted } = pair({ maxStreams: 2 });
    const first = opener.open({})!;
    const second = opener.open({})!;
    assert.equal(opener.open({}), null, 'the opener counts its own streams too');
    await until(() => assert.equal(accepted.length, 2));
    const sent: Buffer[] = [];
    const limited = new MuxSession({ role: 'acceptor', write: (b) => sent.push(b), maxStreams: 1, onStream: () => undefined });
    limited.receive(encodeMuxFrame({ type: 'open', streamId: 1, body: {} }));
    limited.receive(encodeMuxFrame({ type: 'open', streamId: 3, body: {} }));
    assert.deepEqual(sent, [encodeMuxFrame({ type: 'close', streamId: 3, body: { code: 'STREAM_LIMIT' } })]);
    assert.equal(limited.size, 1);
    first.destroy();
    second.destroy();
  });

  it('resets a stream whose peer sends past its window (FLOW_VIOLATION)', async () => {
    const sent: Buffer[] = [];
    const acceptor = new MuxSession({ role: 'acceptor', write: (b) => sent.push(b), windowBytes: 16, onStream: () => undefined });
    acceptor.receive(encodeMuxFrame({ type: 'open', streamId: 5, body: {} }));
    acceptor.receive(encodeMuxFrame({ type: 'data', streamId: 5, data: Buffer.alloc(17) }));
    await until(() => assert.equal(acceptor.size, 0));
    const reset = sent.at(-1)!;
    assert.equal(reset[3], 3, 'a CLOSE frame');
    assert.equal(JSON.parse(reset.subarray(12).toString()).code, 'FLOW_VIOLATION');
  });

  it('tells the opener why its stream was reset, and ends every stream when the link is lost', async () => {
    const { opener, accepted } = pair();
    const a = opener.open({})!;
    const b = opener.open({})!;
    await until(() => assert.equal(accepted.length, 2));
    accepted[0]!.stream.reset('TARGET_NOT_ALLOWED', '10.0.0.9:22');
    const [error] = (await once(a, 'error')) as [MuxStreamError];
    assert.equal(error.code, 'TARGET_NOT_ALLOWED');
    opener.lost();
    const [lost] = (await once(b, 'error').catch((e: unknown) => [e])) as [MuxStreamError];
    assert.equal(lost.code, 'LINK_LOST');
    assert.equal(opener.size, 0);
  });
});
