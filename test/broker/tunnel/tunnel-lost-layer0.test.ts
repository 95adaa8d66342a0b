// guacd 1.3 sometimes sends layer 0's `size` to nobody (real-desktop-stack.md): the browser's
// display stays 0×0 for good while syncs and cursors flow. The relay gives such an attempt up at
// the first `sync` before that size and retries at once, instead of waiting firstFrameTimeoutMs.
import assert from 'node:assert/strict';
import { encodeInstruction } from '@yunzhuo/protocol';
import { FIRST_FRAME, FakeGuacd } from '../../helpers/fake-guacd.js';
import { TunnelClient, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

const CURSOR_ONLY = encodeInstruction('size', -1, 11, 16) + encodeInstruction('cursor', 0, 0, -1, 0, 0, 11, 16) + encodeInstruction('sync', 7);

describe('tunnel: a lost layer-0 size', function () {
  let relay: RelayUnderTest | undefined;
  let guacd: FakeGuacd | undefined;

  afterEach(async () => {
    await relay?.close();
    await guacd?.close();
  });

  it('is retried at the first sync before it, well before the first-frame timeout', async () => {
    let n = 0;
    guacd = await FakeGuacd.start({ afterReady: (conn) => void conn.send(++n === 1 ? CURSOR_ONLY : FIRST_FRAME) });
    relay = await startRelay({ firstFrameTimeoutMs: 10_000 });
    relay.broker.tokens.set('t1', target([guacd]));
    const started = Date.now();
    const client = TunnelClient.open(relay.url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 5_000);
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
    assert.equal(guacd.connections.length, 2, 'a second connection got the desktop');
    assert.ok(!client.instructions.some((i) => i.opcode === 'cursor'), 'nothing of the lost attempt reached the browser');
    await guacd.connections[0]!.closed;
    client.ws.close();
  });

  it('on the last attempt a late size is still waited for', async () => {
    guacd = await FakeGuacd.start({
      afterReady: async (conn) => {
        conn.send(encodeInstruction('sync', 1));
        await new Promise((resolve) => setTimeout(resolve, 200));
        conn.send(FIRST_FRAME);
      },
    });
    relay = await startRelay({ minAttempts: 1, firstFrameTimeoutMs: 5_000 });
    relay.broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(relay.url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 5_000);
    assert.equal(guacd.connections.length, 1);
    client.ws.close();
  });
});
