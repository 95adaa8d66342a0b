// Desktop parking: a browser that leaves a session that goes on leaves its guacd user attached
// (answering guacd's syncs), and the returning browser joins that connection (`select,$id`)
// instead of a new RDP login. The engine's sessionEnded() lets the parked user go.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { InstructionBoundaryScanner, encodeInstruction } from '@yunzhuo/protocol';
import { pino } from 'pino';
import { DesktopParking } from '../../../broker/src/tunnel/desktop-parking.js';
import { FakeGuacd } from '../../helpers/fake-guacd.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { eventually } from '../../helpers/eventually.js';
import { TunnelClient, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

const MAX_PARK_MS = 60_000;

describe('tunnel: desktop parking', function () {
  let relay: RelayUnderTest;
  let guacd: FakeGuacd;
  let tokens = 0;

  beforeEach(async () => {
    guacd = await FakeGuacd.start();
    relay = await startRelay({}, { parkDesktops: { maxParkMs: MAX_PARK_MS } });
  });
  afterEach(async () => {
    await relay.close();
    await guacd.close();
  });

  /** a browser with a fresh token for session-1, on screen */
  async function browser(): Promise<TunnelClient> {
    const token = `t${++tokens}`;
    relay.broker.tokens.set(token, target([guacd]));
    const client = TunnelClient.open(relay.url, `token=${token}`);
    await client.waitFor((i) => i.opcode === 'sync');
    return client;
  }

  it("keeps guacd's user attached when the browser leaves, answering guacd's syncs", async () => {
    const first = await browser();
    const parked = await guacd.connection(1);
    first.ws.terminate(); // the thin client's network blinked
    await eventually(() => {
      assert.equal(relay.tunnels.parkedCount(), 1);
      return true;
    });
    assert.deepEqual(relay.broker.called('markClosed').at(-1), ['session-1', 'browser-closed'], 'the engine hears the browser left');
    parked.send(encodeInstruction('sync', 4242));
    await parked.waitFor((i) => i.opcode === 'sync' && i.args[0] === '4242');
    relay.clock.advance(MAX_PARK_MS - 1);
    parked.send(encodeInstruction('sync', 4343));
    await parked.waitFor((i) => i.opcode === 'sync' && i.args[0] === '4343'); // answered: the RDP connection stays up
    assert.equal(parked.find('disconnect'), undefined);
    assert.equal(relay.tunnels.parkedCount(), 1);
  });

  it('lets a parked user go after maxParkMs (the engine normally ends the session first)', async () => {
    const first = await browser();
    const parked = await guacd.connection(1);
    first.ws.close();
    await eventually(() => {
      assert.equal(relay.tunnels.parkedCount(), 1);
      return true;
    });
    relay.clock.advance(MAX_PARK_MS - 1);
    assert.equal(relay.tunnels.parkedCount(), 1, 'not before maxParkMs');
    assert.equal(parked.find('disconnect'), undefined);
    relay.clock.advance(1);
    assert.equal(relay.tunnels.parkedCount(), 0);
    await parked.waitFor((i) => i.opcode === 'disconnect');
    await parked.closed;
    const second = await browser();
    assert.deepEqual((await guacd.connection(2)).find('select')?.args, ['rdp'], 'nothing left to join: a new RDP login');
    second.ws.close();
  });

  it('the returning browser joins the parked connection; the parked user then leaves', async () => {
    const first = await browser();
    const parked = await guacd.connection(1);
    first.ws.close();
    await eventually(() => {
      assert.equal(relay.tunnels.parkedCount(), 1);
      return true;
    });

    const second = await browser();
    const joined = await guacd.connection(2);
    assert.deepEqual(joined.find('select')?.args, [parked.connectionId], 'select,$<parked connection id>');
    await parked.waitFor((i) => i.opcode === 'disconnect');
    await parked.closed;
    assert.equal(relay.tunnels.parkedCount(), 0);
    assert.deepEqual(relay.broker.called('markActive').at(-1), ['session-1', joined.connectionId]);
    second.ws.close();
  });

  it('sessionEnded lets the parked user go', async () => {
    const first = await browser();
    const parked = await guacd.connection(1);
    first.ws.close();
    await eventually(() => {
      assert.equal(relay.tunnels.parkedCount(), 1);
      return true;
    });
    relay.tunnels.sessionEnded('session-1');
    await parked.waitFor((i) => i.opcode === 'disconnect');
    await parked.closed;
    assert.equal(relay.tunnels.parkedCount(), 0);
  });

  it('does not park after a logoff or a browser that said disconnect', async () => {
    const first = await browser();
    const conn1 = await guacd.connection(1);
    relay.tunnels.closeSession('session-1', 'logoff', '已注销 / logged off');
    await conn1.waitFor((i) => i.opcode === 'disconnect');

    const second = await browser();
    const conn2 = await guacd.connection(2);
    assert.deepEqual(conn2.find('select')?.args, ['rdp'], 'nothing was parked to join');
    second.send(encodeInstruction('disconnect'));
    await conn2.waitFor((i) => i.opcode === 'disconnect');
    second.ws.close();
    // the relay parks (or not) as it closes the tunnel, before it tells the engine
    await eventually(() => {
      assert.equal(relay.broker.called('markClosed').length, 2);
      return true;
    });
    assert.equal(relay.tunnels.parkedCount(), 0);
    first.ws.close();
  });

  it('a parked connection that guacd closed is forgotten: the next browser logs in anew', async () => {
    const first = await browser();
    const parked = await guacd.connection(1);
    first.ws.close();
    await eventually(() => {
      assert.equal(relay.tunnels.parkedCount(), 1);
      return true;
    });
    parked.die();
    await eventually(() => {
      assert.equal(relay.tunnels.parkedCount(), 0);
      return true;
    });
    const second = await browser();
    assert.deepEqual((await guacd.connection(2)).find('select')?.args, ['rdp']);
    second.ws.close();
  });

  it("a takeover parks the old tunnel's desktop for the new terminal to join", async () => {
    const old = await browser();
    const parked = await guacd.connection(1);
    relay.tunnels.closeSession('session-1', 'taken-over', '已在窗口 A-002 登录 / signed in at window A-002');
    const notice = await old.error();
    assert.equal(notice.args[1], String(0x209));
    await eventually(() => {
      assert.equal(relay.tunnels.parkedCount(), 1);
      return true;
    });
    const fresh = await browser();
    assert.deepEqual((await guacd.connection(2)).find('select')?.args, [parked.connectionId]);
    fresh.ws.close();
  });
});

describe('desktop parking: release', () => {
  /** a guacd socket stand-in that records what the relay wrote */
  const socket = () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    return { socket: stream as unknown as Socket, written: () => written };
  };

  it('with a connection id, lets go only that connection (a tunnel that joined it never releases a newer one)', () => {
    const parking = new DesktopParking({ clock: new ManualClock(), logger: pino({ level: 'silent' }), maxParkMs: 60_000, guacdCloseGraceMs: 50 });
    const older = socket();
    const newer = socket();
    parking.park('session-1', { socket: older.socket, scanner: new InstructionBoundaryScanner(), connectionId: '$older', gatewayId: 'g' });
    parking.park('session-1', { socket: newer.socket, scanner: new InstructionBoundaryScanner(), connectionId: '$newer', gatewayId: 'g' });
    assert.match(older.written(), /disconnect/, 'parking again replaces the older one');

    parking.release('session-1', 'joined', '$older');
    assert.deepEqual(parking.joinable('session-1'), { connectionId: '$newer', gatewayId: 'g' }, 'a stale release changes nothing');
    assert.doesNotMatch(newer.written(), /disconnect/);

    parking.release('session-1', 'joined', '$newer');
    assert.equal(parking.size, 0);
    assert.match(newer.written(), /disconnect/);
    parking.close();
  });
});
