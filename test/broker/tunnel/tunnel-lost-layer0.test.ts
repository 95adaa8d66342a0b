// guacd 1.3 sometimes sends layer 0's `size` to nobody (real-desktop-stack.md): the browser's
// display stays 0×0 for good while syncs and cursors flow. The relay gives such an attempt up at
// the first `sync` before that size instead of waiting firstFrameTimeoutMs. With desktop parking on
// (as the broker runs) it joins that same connection, whose screen guacd then sends whole: a new
// RDP login would leave the lost one's xrdp process holding the session's clipboard channel.
import assert from 'node:assert/strict';
import { encodeInstruction } from '@yunzhuo/protocol';
import { FIRST_FRAME, FakeGuacd } from '../../helpers/fake-guacd.js';
import { TunnelClient, armed, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

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
    const client = TunnelClient.open(relay.url, 'token=t1');
    // the relay's clock never moves here: no first-frame timeout can have fired
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 5_000);
    assert.equal(guacd.connections.length, 2, 'a second connection got the desktop');
    assert.match(String(relay.broker.called('reportGatewayFailure')[0]?.[2]), /no-first-frame: a sync came before layer 0/, 'given up at the sync');
    assert.deepEqual(
      relay.clock.pending().filter((ms) => ms === 10_000),
      [],
      "the lost attempt's first-frame timer is gone, not fired",
    );
    assert.ok(!client.instructions.some((i) => i.opcode === 'cursor'), 'nothing of the lost attempt reached the browser');
    await guacd.connections[0]!.closed;
    client.ws.close();
  });

  it('with parking, joins the connection whose size was lost instead of a new RDP login; the lost user then leaves', async () => {
    guacd = await FakeGuacd.start({ afterReady: (conn) => void conn.send(conn.find('select')?.args[0] === 'rdp' ? CURSOR_ONLY : FIRST_FRAME) });
    relay = await startRelay({ firstFrameTimeoutMs: 10_000 }, { parkDesktops: true });
    relay.broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(relay.url, 'token=t1');
    // the relay's clock never moves here: no first-frame timeout can have fired (it would log in anew, not join)
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 5_000);
    const [lost, joined] = guacd.connections;
    assert.equal(guacd.connections.length, 2);
    assert.deepEqual(joined!.find('select')?.args, [lost!.connectionId], 'select,$<the lost connection>');
    await lost!.waitFor((i) => i.opcode === 'disconnect');
    await lost!.closed;
    assert.equal(relay.tunnels.parkedCount(), 0, 'nothing stays parked');
    assert.ok(!client.instructions.some((i) => i.opcode === 'cursor'), 'nothing of the lost attempt reached the browser');
    assert.deepEqual(relay.broker.called('markActive').at(-1), ['session-1', joined!.connectionId]);
    assert.equal(relay.broker.called('reportGatewayFailure').length, 0, 'the gateway is not blamed');
    client.ws.close();
  });

  it('with parking, a join that fails too falls back to a new RDP login', async () => {
    // the join never gets a first frame either; the third connection, a new login, does
    let n = 0;
    guacd = await FakeGuacd.start({ afterReady: (conn) => void conn.send(++n < 3 ? CURSOR_ONLY : FIRST_FRAME) });
    relay = await startRelay({ firstFrameTimeoutMs: 300, minAttempts: 2 }, { parkDesktops: true });
    relay.broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(relay.url, 'token=t1');
    await (await guacd.connection(2)).waitFor((i) => i.opcode === 'select');
    await armed(relay.clock, 300); // the join has its ready: its first frame is awaited
    relay.clock.advance(299);
    await client.roundTrip();
    assert.equal(relay.broker.called('markConnecting').length, 2, 'not before firstFrameTimeoutMs: the login, the join, no third');
    assert.equal(relay.broker.called('reportGatewayFailure').length, 0);
    relay.clock.advance(1);
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 5_000);
    const [lost, join, fresh] = guacd.connections;
    assert.equal(guacd.connections.length, 3);
    assert.deepEqual(join!.find('select')?.args, [lost!.connectionId]);
    assert.deepEqual(fresh!.find('select')?.args, ['rdp'], 'a new RDP login');
    await lost!.closed;
    await join!.closed;
    assert.equal(relay.tunnels.parkedCount(), 0);
    assert.deepEqual(relay.broker.called('markActive').at(-1), ['session-1', fresh!.connectionId]);
    client.ws.close();
  });

  it('on the last attempt a late size is still waited for', async () => {
    guacd = await FakeGuacd.start({ afterReady: (conn) => void conn.send(encodeInstruction('sync', 1)) });
    relay = await startRelay({ minAttempts: 1, firstFrameTimeoutMs: 5_000 });
    relay.broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(relay.url, 'token=t1');
    const conn = await guacd.connection(1);
    await armed(relay.clock, 5_000); // armed at guacd's ready, before its sync
    relay.clock.advance(4_999);
    conn.send(FIRST_FRAME); // whether or not in the sync's read: the relay looks at instructions in order
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 5_000);
    assert.equal(guacd.connections.length, 1);
    client.ws.close();
  });
});
