import assert from 'node:assert/strict';
import net from 'node:net';
import { INTERNAL_OPCODE, encodeInstruction } from '@yunzhuo/protocol';
import { AppError } from '../../../broker/src/lib/app-error.js';
import { FIRST_FRAME, FakeGuacd } from '../../helpers/fake-guacd.js';
import { eventually } from '../../helpers/eventually.js';
import { TunnelClient, armed, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('tunnel: session lifecycle and failover', function () {
  let relay: RelayUnderTest | undefined;
  const fakes: FakeGuacd[] = [];

  afterEach(async function () {
    await relay?.close();
    relay = undefined;
    for (const fake of fakes.splice(0)) await fake.close();
  });

  async function fake(options: Parameters<typeof FakeGuacd.start>[0] = {}): Promise<FakeGuacd> {
    const started = await FakeGuacd.start(options);
    fakes.push(started);
    return started;
  }

  async function start(limits = {}): Promise<RelayUnderTest> {
    relay = await startRelay({ firstFrameTimeoutMs: 300, connectTimeoutMs: 1000, ...limits });
    return relay;
  }

  it('markConnecting, then markActive on the first sync (not on ready), then markClosed once', async function () {
    const guacd = await fake({ afterReady: (conn) => void conn.send(encodeInstruction('size', 0, 1024, 768)) });
    // A held-bytes cap below one instruction: the relay passes the size on as it reads it, so its
    // arrival at the browser shows the relay has seen ready and size (engine calls are then made).
    const { broker, url, clock } = await start({ firstFrameTimeoutMs: 5000, heldBytesCap: 8 });
    broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(url, 'token=t1');
    const conn = await guacd.connection(1);
    await client.waitFor((i) => i.opcode === 'size');
    await client.roundTrip();
    assert.deepEqual(broker.called('markActive'), [], 'ready and size are not yet a desktop on screen');
    conn.send(encodeInstruction('sync', 1));
    await eventually(() => {
      assert.deepEqual(broker.called('markActive'), [['session-1', '$fake-1']]);
      return true;
    });
    client.ws.close();
    await eventually(() => {
      assert.deepEqual(broker.called('markClosed'), [['session-1', 'browser-closed']]);
      return true;
    });
    await conn.closed;
    clock.advance(60_000); // past every limit: no timer left behind adds a call
    await new Promise(setImmediate);
    assert.deepEqual(
      broker.calls.map((c) => c.method),
      ['redeemToken', 'markConnecting', 'markActive', 'markClosed'],
    );
    assert.equal(conn.received.at(-1)?.opcode, 'disconnect', 'guacd is told the user left');
  });

  it('reports human input (not pings) to the engine, so idle limits spare a working clerk', async function () {
    const guacd = await fake({ afterReady: (conn) => void conn.send(encodeInstruction('size', 0, 1024, 768) + encodeInstruction('sync', 1)) });
    const { broker, url, clock } = await start({ browserIdleMs: 400 });
    broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(url, 'token=t1');
    await eventually(() => {
      assert.equal(broker.called('markActive').length, 1);
      return true;
    });
    // a ping every 150 ms for 600 ms: the idle check (due at 400 ms) has run and seen no input
    for (let i = 0; i < 4; i++) {
      await client.roundTrip();
      clock.advance(150);
    }
    await client.roundTrip();
    assert.deepEqual(broker.called('touch'), [], 'pings alone are not a clerk at work');
    client.send(encodeInstruction('key', 65, 1) + encodeInstruction('key', 65, 0));
    await (await guacd.connection(1)).waitFor((i) => i.opcode === 'key' && i.args[1] === '0');
    for (let i = 0; i < 6 && broker.called('touch').length === 0; i++) {
      clock.advance(150);
      await client.roundTrip();
    }
    assert.deepEqual(broker.called('touch'), [['session-1']]);
    client.ws.close();
  });

  it('a browser that says disconnect leaves as browser-closed, even if guacd hangs up first', async function () {
    const guacd = await fake({ onInstruction: (conn, i) => i.opcode === 'disconnect' && conn.socket.end() });
    const { broker, url } = await start();
    broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    client.send('10.disconnect;');
    await (
      await guacd.connection(1)
    ).closed;
    await eventually(() => {
      assert.deepEqual(broker.called('markClosed'), [['session-1', 'browser-closed']]);
      return true;
    });
    assert.equal(client.instructions.filter((i) => i.opcode === 'error').length, 0, 'no error for a goodbye');
  });

  it('no first frame after ready: the next gateway is tried and the silent one reported', async function () {
    const silent = await fake({ afterReady: () => {} });
    const good = await fake();
    const { broker, url, clock } = await start();
    broker.tokens.set('t1', target([silent, good]));
    const client = TunnelClient.open(url, 'token=t1');
    await armed(clock, 300); // the relay read ready: firstFrameTimeoutMs runs
    clock.advance(299);
    await client.roundTrip();
    assert.deepEqual(broker.called('reportGatewayFailure'), [], 'not before firstFrameTimeoutMs');
    assert.equal(good.connections.length, 0);
    clock.advance(1);
    await client.waitFor((i) => i.opcode === 'sync');
    await (
      await silent.connection(1)
    ).closed;
    assert.deepEqual(broker.called('markConnecting'), [
      ['session-1', 'gateway-1'],
      ['session-1', 'gateway-2'],
    ]);
    const [report] = broker.called('reportGatewayFailure');
    assert.deepEqual(report?.slice(0, 2), ['gateway-1', 'GATEWAY_UNAVAILABLE']);
    assert.match(String(report?.[2]), /no-first-frame/);
    assert.deepEqual(broker.called('markActive'), [['session-1', '$fake-1']]);
    const pingAnswer = (i: { opcode: string; args: string[] }) => i.opcode === INTERNAL_OPCODE && i.args[0] === 'ping';
    assert.deepEqual(
      client.instructions
        .slice(1)
        .filter((i) => !pingAnswer(i))
        .map((i) => i.opcode),
      ['size', 'sync'],
      'nothing of the failed attempt',
    );
  });

  it('layer-0 size lost (the guacd 1.3 race): syncs alone do not count, the attempt is retried', async function () {
    let n = 0;
    const racy = await fake({
      afterReady: (conn) => void conn.send(++n === 1 ? encodeInstruction('sync', 1) + encodeInstruction('sync', 2) : FIRST_FRAME),
    });
    const { broker, url } = await start();
    broker.tokens.set('t1', target([racy]));
    const client = TunnelClient.open(url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'size');
    assert.equal(racy.connections.length, 2, 'a single-gateway pool gets a second attempt');
    assert.equal(broker.called('reportGatewayFailure').length, 1);
  });

  it('an unreachable gateway is skipped', async function () {
    const good = await fake();
    const { broker, url } = await start();
    broker.tokens.set('t1', target([{ host: '127.0.0.1', port: await closedPort() }, good]));
    const client = TunnelClient.open(url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    assert.match(String(broker.called('reportGatewayFailure')[0]?.[2]), /unreachable/);
  });

  it('a gateway that never answers the handshake times out and is skipped', async function () {
    const mute = await fake({ silentHandshake: true });
    const good = await fake();
    const { broker, url, clock } = await start({ connectTimeoutMs: 200 });
    broker.tokens.set('t1', target([mute, good]));
    const client = TunnelClient.open(url, 'token=t1');
    await (await mute.connection(1)).waitFor((i) => i.opcode === 'select'); // the relay is waiting for args
    await armed(clock, 200);
    clock.advance(199);
    await client.roundTrip();
    assert.deepEqual(broker.called('reportGatewayFailure'), [], 'not before connectTimeoutMs');
    assert.equal(good.connections.length, 0);
    clock.advance(1);
    await client.waitFor((i) => i.opcode === 'sync');
    assert.match(String(broker.called('reportGatewayFailure')[0]?.[2]), /timeout/);
  });

  it('when every gateway fails: an error instruction, the close, markClosed gateway-failed', async function () {
    const silent = await fake({ afterReady: () => {} });
    const { broker, url, clock } = await start();
    broker.tokens.set('t1', target([silent, { host: '127.0.0.1', port: await closedPort() }]));
    const client = TunnelClient.open(url, 'token=t1');
    await armed(clock, 300);
    clock.advance(300);
    const error = await client.error();
    assert.match(error.args[0] ?? '', /GATEWAY_UNAVAILABLE/);
    assert.equal(error.args[1], '519', 'the last attempt was refused: UPSTREAM_NOT_FOUND');
    assert.match((await client.closed).reason, /^519 gateway-failed/);
    assert.equal(broker.called('reportGatewayFailure').length, 2);
    await eventually(() => {
      assert.deepEqual(broker.called('markClosed'), [['session-1', 'gateway-failed']]);
      return true;
    });
  });

  for (const code of ['TOKEN_EXPIRED', 'TOKEN_USED', 'TOKEN_INVALID', 'TERMINAL_UNKNOWN'] as const) {
    it(`a ${code} token gets error 769 with the code, a close, and no guacd connection`, async function () {
      const guacd = await fake();
      const { broker, url } = await start();
      broker.tokens.set('t1', new AppError(code));
      const client = TunnelClient.open(url, 'token=t1');
      const error = await client.error();
      assert.equal(error.args[1], '769');
      assert.ok(error.args[0]?.includes(code), error.args[0]);
      const closed = await client.closed;
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, new RegExp(`^769 `));
      assert.equal(guacd.connections.length, 0);
      assert.deepEqual(broker.called('markClosed'), [], 'no session to close');
    });
  }

  it('no token at all: TOKEN_INVALID without asking the engine', async function () {
    const { broker, url } = await start();
    const client = TunnelClient.open(url, 'width=1024');
    assert.match((await client.error()).args[0] ?? '', /TOKEN_INVALID/);
    assert.deepEqual(broker.called('redeemToken'), []);
  });

  it('closeSession (takeover) tells the browser why and marks the session once', async function () {
    const guacd = await fake();
    const { broker, url, tunnels } = await start();
    broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    assert.equal(tunnels.closeSession('session-1', 'taken-over', '已在窗口 A-014 登录'), true);
    assert.equal(tunnels.closeSession('session-1', 'taken-over', 'again'), false);
    assert.deepEqual((await client.error()).args, ['已在窗口 A-014 登录', '521']);
    const closed = await client.closed;
    assert.equal(closed.code, 1000);
    assert.match(closed.reason, /^521 taken-over/);
    await eventually(() => {
      assert.deepEqual(broker.called('markClosed'), [['session-1', 'taken-over']]);
      return true;
    });
    assert.equal(tunnels.liveCount(), 0);
  });

  it('a second tunnel of the same session replaces the first', async function () {
    const guacd = await fake();
    const { broker, url } = await start();
    broker.tokens.set('t1', target([guacd]));
    broker.tokens.set('t2', target([guacd]));
    const first = TunnelClient.open(url, 'token=t1');
    await first.waitFor((i) => i.opcode === 'sync');
    const second = TunnelClient.open(url, 'token=t2');
    await second.waitFor((i) => i.opcode === 'sync');
    assert.equal((await first.error()).args[1], '521');
    await eventually(() => {
      assert.deepEqual(broker.called('markClosed'), [['session-1', 'taken-over']]);
      return true;
    });
  });

  it('a browser silent for browserIdleMs is dropped', async function () {
    const guacd = await fake();
    const { broker, url, clock, tunnels } = await start({ browserIdleMs: 300 });
    broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    clock.advance(299); // the idle timer was armed as the tunnel opened; it closes the tunnel when it fires
    assert.equal(tunnels.liveCount(), 1, 'not before browserIdleMs');
    clock.advance(1);
    assert.equal(tunnels.liveCount(), 0);
    assert.equal((await client.error()).args[1], '776');
    await eventually(() => {
      assert.deepEqual(broker.called('markClosed'), [['session-1', 'browser-closed']]);
      return true;
    });
  });

  it('a pinging browser is not dropped', async function () {
    const guacd = await fake();
    const { broker, url, tunnels, clock } = await start({ browserIdleMs: 300 });
    broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    for (let i = 0; i < 8; i++) {
      await client.roundTrip(); // a ping, answered: the relay has taken it
      clock.advance(299);
      assert.equal(tunnels.liveCount(), 1, `ping ${i + 1}, 299 ms on`);
    }
    clock.advance(1);
    assert.equal(tunnels.liveCount(), 0, 'browserIdleMs after the last ping it is dropped');
  });

  it('a browser that leaves while the gateway is connecting still gets markClosed once', async function () {
    const slow = await fake({ silentHandshake: true });
    const { broker, url, clock } = await start({ connectTimeoutMs: 5000 });
    broker.tokens.set('t1', target([slow]));
    const client = TunnelClient.open(url, 'token=t1');
    const conn = await slow.connection(1);
    client.ws.close();
    await conn.closed;
    await eventually(() => {
      assert.deepEqual(broker.called('markClosed'), [['session-1', 'browser-closed']]);
      return true;
    });
    clock.advance(60_000); // past every limit: a connect timer left behind would report a failure now
    await new Promise(setImmediate);
    assert.equal(broker.called('reportGatewayFailure').length, 0, 'our own abort is no gateway failure');
    assert.equal(slow.connections.length, 1, 'no further attempt');
  });

  it('close() ends every tunnel with broker-shutdown', async function () {
    const guacd = await fake();
    const { broker, url, tunnels } = await start();
    broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    await tunnels.close();
    assert.deepEqual(broker.called('markClosed'), [['session-1', 'broker-shutdown']]);
    assert.equal((await client.error()).args[1], '513');
  });
});
