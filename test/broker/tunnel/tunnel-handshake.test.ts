import assert from 'node:assert/strict';
import { FAKE_RDP_ARGS, FakeGuacd, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { StubBroker, TunnelClient, startRelay, target, settings, type RelayUnderTest } from './tunnel-test-kit.js';

/** connect's value for parameter `name`, given guacd's args (with or without a version element). */
function connectValue(conn: FakeGuacdConnection, name: string, versioned: boolean): string | undefined {
  const connect = conn.find('connect');
  assert.ok(connect, 'connect was sent');
  const index = FAKE_RDP_ARGS.indexOf(name as (typeof FAKE_RDP_ARGS)[number]);
  return connect.args[index + (versioned ? 1 : 0)];
}

describe('tunnel: handshake with guacd', function () {
  let relay: RelayUnderTest;
  let guacd: FakeGuacd;
  let broker: StubBroker;

  afterEach(async function () {
    await relay?.close();
    await guacd?.close();
  });

  async function open(version: string | null, query = 'token=t1', overrides = {}): Promise<{ client: TunnelClient; conn: FakeGuacdConnection }> {
    guacd = await FakeGuacd.start({ version });
    relay = await startRelay();
    broker = relay.broker;
    broker.tokens.set('t1', target([guacd], overrides));
    const client = TunnelClient.open(relay.url, query);
    const conn = await guacd.connection(1);
    await conn.handshake;
    await client.waitFor((i) => i.opcode === 'sync');
    return { client, conn };
  }

  it('sends the internal 0.,36.<uuid>; first, then the desktop after the first frame', async function () {
    const { client } = await open('VERSION_1_3_0');
    const first = client.messages[0]?.toString();
    assert.match(first ?? '', /^0\.,36\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12};$/);
    assert.deepEqual(
      client.instructions.slice(1).map((i) => i.opcode),
      ['size', 'sync'],
      'args/ready stay between relay and guacd',
    );
  });

  it('guacd 1.3: select, size, audio, video, image, timezone, connect — no name', async function () {
    const { conn } = await open('VERSION_1_3_0');
    assert.deepEqual(conn.opcodes().slice(0, 7), ['select', 'size', 'audio', 'video', 'image', 'timezone', 'connect']);
    assert.deepEqual(conn.find('select')?.args, ['rdp']);
    assert.deepEqual(conn.find('audio')?.args, [], 'no audio mimetypes (guacd 1.3 race)');
    assert.deepEqual(conn.find('timezone')?.args, ['Asia/Shanghai']);
    const connect = conn.find('connect')!;
    assert.equal(connect.args[0], 'VERSION_1_3_0', 'the lower of both versions');
    assert.equal(connect.args.length, FAKE_RDP_ARGS.length + 1, 'one value per name');
  });

  it('guacd 1.5: adds name, announces VERSION_1_5_0', async function () {
    const { conn } = await open('VERSION_1_5_0');
    assert.deepEqual(conn.opcodes().slice(0, 8), ['select', 'size', 'audio', 'video', 'image', 'timezone', 'name', 'connect']);
    assert.deepEqual(conn.find('name')?.args, ['terminal-1']);
    assert.equal(conn.find('connect')?.args[0], 'VERSION_1_5_0');
  });

  it('a newer guacd (1.6) is answered with our latest version', async function () {
    const { conn } = await open('VERSION_1_6_0');
    assert.equal(conn.find('connect')?.args[0], 'VERSION_1_5_0');
  });

  it('guacd without a version element: no timezone, no name, values only', async function () {
    const { conn } = await open(null);
    assert.deepEqual(conn.opcodes().slice(0, 6), ['select', 'size', 'audio', 'video', 'image', 'connect']);
    assert.equal(conn.find('connect')?.args.length, FAKE_RDP_ARGS.length);
    assert.equal(connectValue(conn, 'hostname', false), '10.0.0.12');
  });

  it("connect values follow guacd's order and come from the desktop and the pool", async function () {
    const { conn } = await open('VERSION_1_3_0', 'token=t1&width=1280&height=720&dpi=120', {
      settings: settings({ clipboard: 'to-desktop', security: 'tls', colorDepth: 16, serverLayout: 'en-us-qwerty' }),
      recording: { path: '/var/lib/yunzhuo/recordings/site-1', name: 'session-1' },
    });
    const value = (name: string): string | undefined => connectValue(conn, name, true);
    assert.equal(value('hostname'), '10.0.0.12');
    assert.equal(value('port'), '3389');
    assert.equal(value('username'), 'clerk01');
    assert.equal(value('password'), 'S3cret,pa;ss.口令', 'password passed intact, code points counted');
    assert.equal(value('security'), 'tls');
    assert.equal(value('ignore-cert'), 'true');
    assert.equal(value('width'), '1280');
    assert.equal(value('height'), '720');
    assert.equal(value('dpi'), '120');
    assert.equal(value('color-depth'), '16');
    assert.equal(value('disable-audio'), 'true');
    assert.equal(value('disable-copy'), 'true', 'to-desktop only: nothing copied out');
    assert.equal(value('disable-paste'), 'false');
    assert.equal(value('server-layout'), 'en-us-qwerty');
    assert.equal(value('recording-path'), '/var/lib/yunzhuo/recordings/site-1');
    assert.equal(value('recording-name'), 'session-1');
    assert.equal(value('create-recording-path'), 'true');
    assert.equal(value('timezone'), 'Asia/Shanghai');
    assert.equal(value('domain'), '', 'unknown parameters are empty');
    assert.deepEqual(conn.find('size')?.args, ['1280', '720', '120']);
  });

  it('the browser chooses only size and DPI, clamped; it cannot override host or password', async function () {
    const query = 'token=t1&width=99999&height=10&dpi=5&hostname=evil.example&password=x&port=22&security=rdp';
    const { conn } = await open('VERSION_1_3_0', query);
    assert.equal(connectValue(conn, 'width', true), '7680');
    assert.equal(connectValue(conn, 'height', true), '480');
    assert.equal(connectValue(conn, 'dpi', true), '48');
    assert.equal(connectValue(conn, 'hostname', true), '10.0.0.12');
    assert.equal(connectValue(conn, 'password', true), 'S3cret,pa;ss.口令');
    assert.equal(connectValue(conn, 'port', true), '3389');
    assert.equal(connectValue(conn, 'security', true), 'any');
  });

  it("without size in the query the pool's size is used; junk numbers fall back too", async function () {
    const { conn } = await open('VERSION_1_3_0', 'token=t1&width=abc&dpi=9.5');
    assert.deepEqual(conn.find('size')?.args, ['1920', '1080', '96']);
  });

  it('answers the internal ping with the same timestamp and never forwards it', async function () {
    const { client, conn } = await open('VERSION_1_3_0');
    client.send('0.,4.ping,13.1700000000123;');
    const pong = await client.waitFor((i) => i.opcode === '' && i.args[0] === 'ping');
    assert.deepEqual(pong.args, ['ping', '1700000000123']);
    assert.ok(client.messages.some((m) => m.toString() === '0.,4.ping,13.1700000000123;'));
    client.send('4.sync,1.1;');
    await conn.waitFor((i) => i.opcode === 'sync');
    assert.ok(!conn.received.some((i) => i.opcode === ''), 'internal instructions stay in the relay');
  });
});
