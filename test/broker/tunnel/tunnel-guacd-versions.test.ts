// Where guacd versions differ on the wire (shared/notes/current-guacd.md), the relay decides by
// what guacd's `args` says, never by timing: 1.6's early `sync` is not 1.3's lost size, 1.6's
// graphics pipeline gets the 32 bpp it will use anyway, and a stock client's `disconnect` is a
// normal leave whichever way guacd ends.
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import pino from 'pino';
import { GuacDecoder, encodeInstruction } from '@yunzhuo/protocol';
import { DesktopParking } from '../../../broker/src/tunnel/desktop-parking.js';
import { guacdTraits } from '../../../broker/src/tunnel/guacd-traits.js';
import { captureLog } from '../../helpers/log-capture.js';
import { FAKE_RDP_ARGS, FIRST_FRAME, FakeGuacd } from '../../helpers/fake-guacd.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { InstructionBoundaryScanner } from '@yunzhuo/protocol';
import { eventually } from '../../helpers/eventually.js';
import { TunnelClient, settings, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

/** guacd 1.6.0's `args`: protocol 1.5.0 (as 1.5.x) plus the parameters 1.6 added. */
const GUACD16 = { version: 'VERSION_1_5_0', argNames: [...FAKE_RDP_ARGS, 'disable-gfx', 'cert-tofu', 'timeout'] } as const;
const GUACD15 = { version: 'VERSION_1_5_0', argNames: FAKE_RDP_ARGS } as const;
/** What 1.6 sends ~40 ms after `ready` on a new connection: a sync for a frame without images. */
const EARLY_SYNC = encodeInstruction('cursor', 0, 0, -2, 0, 0, 32, 32) + encodeInstruction('sync', 5, 0);

describe('tunnel: guacd versions', function () {
  let relay: RelayUnderTest | undefined;
  let guacd: FakeGuacd | undefined;

  afterEach(async () => {
    await relay?.close();
    await guacd?.close();
    relay = guacd = undefined;
  });

  it("reads each version from args: only guacd before 1.5 may lose layer 0's size, only 1.6 needs 32 bpp", () => {
    assert.deepEqual(guacdTraits(['VERSION_1_3_0', ...FAKE_RDP_ARGS]), { mayLoseLayer0Size: true, gfxNeeds32Bpp: false });
    assert.deepEqual(guacdTraits([...FAKE_RDP_ARGS]), { mayLoseLayer0Size: true, gfxNeeds32Bpp: false }, 'no version element: 1.0');
    assert.deepEqual(guacdTraits([GUACD15.version, ...GUACD15.argNames]), { mayLoseLayer0Size: false, gfxNeeds32Bpp: false });
    assert.deepEqual(guacdTraits([GUACD16.version, ...GUACD16.argNames]), { mayLoseLayer0Size: false, gfxNeeds32Bpp: true });
  });

  for (const [name, version] of [
    ['1.6', GUACD16],
    ['1.5', GUACD15],
  ] as const) {
    it(`on guacd ${name}, a sync before layer 0's size is normal: one connection, no join, no failure`, async () => {
      guacd = await FakeGuacd.start({
        ...version,
        afterReady: (conn) => {
          conn.send(EARLY_SYNC);
          conn.send(FIRST_FRAME);
        },
      });
      relay = await startRelay({}, { parkDesktops: true });
      relay.broker.tokens.set('t1', target([guacd]));
      const client = TunnelClient.open(relay.url, 'token=t1');
      await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0');
      assert.ok(
        client.instructions.some((i) => i.opcode === 'sync' && i.args[0] === '5'),
        'the early sync reached the browser with the frame',
      );
      assert.equal(guacd.connections.length, 1, 'no second connection');
      assert.deepEqual(guacd.connections[0]!.find('select')?.args, ['rdp'], 'never a join');
      assert.equal(relay.broker.called('reportGatewayFailure').length, 0);
      assert.equal(relay.tunnels.parkedCount(), 0);
      client.ws.close();
    });
  }

  it("asks guacd 1.6 for 32 bpp whatever the pool says (its pipeline ignores any other depth); 1.3 gets the pool's depth", async () => {
    for (const [version, expected] of [
      [GUACD16, '32'],
      [{ version: 'VERSION_1_3_0', argNames: FAKE_RDP_ARGS }, '24'],
    ] as const) {
      guacd = await FakeGuacd.start(version);
      relay = await startRelay();
      relay.broker.tokens.set('t1', target([guacd], { settings: settings({ colorDepth: 24 }) }));
      const client = TunnelClient.open(relay.url, 'token=t1');
      const conn = await guacd.connection();
      await conn.handshake;
      const connect = conn.find('connect')!;
      const names = version.argNames as readonly string[];
      assert.equal(connect.args[1 + names.indexOf('color-depth')], expected, `guacd ${version.version} ${names.length}`);
      client.ws.close();
      await relay.close();
      await guacd.close();
      relay = guacd = undefined;
    }
  });

  for (const ending of ['answers disconnect (1.6)', 'just closes (1.3)'] as const) {
    it(`a stock client's disconnect is a normal leave when guacd ${ending}`, async () => {
      guacd = await FakeGuacd.start({
        ...GUACD16,
        onInstruction: (conn, instruction) => {
          if (instruction.opcode !== 'disconnect') return;
          if (ending.startsWith('answers')) conn.send(encodeInstruction('disconnect'));
          conn.socket.end();
        },
      });
      relay = await startRelay({}, { parkDesktops: true });
      relay.broker.tokens.set('t1', target([guacd]));
      const client = TunnelClient.open(relay.url, 'token=t1');
      await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0');
      client.send(encodeInstruction('disconnect'));
      await eventually(() => {
        assert.equal(relay!.broker.called('markClosed').length, 1);
        return true;
      });
      assert.deepEqual(relay.broker.called('markClosed')[0], ['session-1', 'browser-closed']);
      assert.equal(relay.tunnels.parkedCount(), 0, 'a desktop the clerk left on purpose is not parked');
    });
  }

  it("a stock client's disconnect is a normal leave when the browser closes before guacd answers anything", async () => {
    let heardDisconnect = () => {};
    const toldToLeave = new Promise<void>((resolve) => (heardDisconnect = resolve));
    guacd = await FakeGuacd.start({ ...GUACD16, onInstruction: (_conn, instruction) => instruction.opcode === 'disconnect' && heardDisconnect() });
    const log = captureLog();
    relay = await startRelay({}, { parkDesktops: true, logger: log.logger });
    relay.broker.tokens.set('t1', target([guacd]));
    const client = TunnelClient.open(relay.url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0');
    client.send(encodeInstruction('disconnect'));
    client.ws.close(); // at once, as guacamole-common-js does: guacd (here silent) never answers first
    await toldToLeave;
    await eventually(() => {
      assert.equal(relay!.broker.called('markClosed').length, 1);
      return log.lines().find((line) => line.msg === 'tunnel closed');
    }).then((closed) => assert.deepEqual([closed.reason, closed.detail], ['browser-closed', 'the browser left with disconnect']));
    assert.deepEqual(relay.broker.called('markClosed')[0], ['session-1', 'browser-closed']);
    assert.equal(relay.tunnels.parkedCount(), 0, 'a desktop the clerk left on purpose is not parked');
    assert.deepEqual(log.warnings(), []);
  });
});

describe('desktop parking: keepalive', function () {
  it('a parked user sends guacd a nop every keepalive period (guacd 1.6 drops a user silent for 15 s)', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const ours = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    const guacdSide = await accepted;
    const heard: string[] = [];
    const decoder = new GuacDecoder();
    guacdSide.on('data', (chunk: Buffer) => heard.push(...decoder.push(chunk).map((i) => i.opcode)));
    const written: string[] = [];
    const write = ours.write.bind(ours) as (chunk: string) => boolean;
    ours.write = ((chunk: string) => (written.push(String(chunk)), write(chunk))) as typeof ours.write;
    const clock = new ManualClock();
    const parking = new DesktopParking({ clock, logger: pino({ level: 'silent' }), maxParkMs: 60_000, guacdCloseGraceMs: 100, keepaliveMs: 5_000 });
    parking.park('s1', { socket: ours, scanner: new InstructionBoundaryScanner({ maxInstructionBytes: 8192 }), connectionId: '$c1', gatewayId: 'g1' });

    clock.advance(4_999);
    assert.equal(written.length, 0, 'not before the period');
    clock.advance(1);
    assert.deepEqual(written, ['3.nop;']);
    clock.advance(4_999);
    assert.equal(written.length, 1);
    clock.advance(1);
    assert.deepEqual(written, ['3.nop;', '3.nop;'], 'one per period');
    await eventually(() => {
      assert.deepEqual(heard, ['nop', 'nop']);
      return true;
    });

    parking.release('s1', 'done');
    const afterRelease = written.length;
    clock.advance(20_000);
    assert.ok(
      written.slice(afterRelease).every((w) => !w.includes('nop')),
      'no keepalive after release',
    );
    ours.destroy();
    server.close();
  });
});
