import assert from 'node:assert/strict';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';
import { encodeInstruction } from '@yunzhuo/protocol';
import { encodeDeviceFrame, type DeviceFrame } from '@yunzhuo/protocol/devices/index';
import { FAKE_RDP_ARGS, FakeGuacd, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { SAMPLE_CARD } from '../../helpers/id-card-sample.js';
import { UpstreamPolicy } from '../../../broker/src/tunnel/upstream.policy.js';
import { eventually } from '../../helpers/eventually.js';
import { TunnelClient, settings, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

/** guacd 1.3 lists `static-channels`; the fake's short list does not, so the tests add it. */
const ARGS_WITH_CHANNELS = [...FAKE_RDP_ARGS, 'static-channels'];

const blobOf = (stream: string, frame: DeviceFrame): string => encodeInstruction('blob', stream, encodeDeviceFrame(frame).toString('base64'));
const cardAnswer = (requestId: number): DeviceFrame => ({ kind: 'response', requestId, body: { op: 'idcard.read', card: SAMPLE_CARD } });

describe('tunnel: the YZDEV window-device channel', function () {
  let relay: RelayUnderTest;
  let guacd: FakeGuacd;

  afterEach(async function () {
    await relay?.close();
    await guacd?.close();
  });

  async function live(pool: Partial<PoolSettings>): Promise<{ client: TunnelClient; conn: FakeGuacdConnection }> {
    guacd = await FakeGuacd.start({ argNames: ARGS_WITH_CHANNELS });
    relay = await startRelay();
    relay.broker.tokens.set('t1', target([guacd], { settings: settings(pool) }));
    const client = TunnelClient.open(relay.url, 'token=t1');
    const conn = await guacd.connection(1);
    await client.waitFor((i) => i.opcode === 'sync');
    return { client, conn };
  }

  function staticChannels(conn: FakeGuacdConnection): string | undefined {
    const connect = conn.find('connect');
    assert.ok(connect);
    return connect.args[1 + ARGS_WITH_CHANNELS.indexOf('static-channels')];
  }

  async function assertRejected(client: TunnelClient, conn: FakeGuacdConnection): Promise<void> {
    const error = await client.error();
    assert.equal(error.args[1], '768');
    await client.closed;
    await conn.closed;
    await eventually(() => {
      assert.deepEqual(relay.broker.called('markClosed'), [['session-1', 'protocol-violation']]);
      return true;
    });
    assert.doesNotMatch(conn.received.map((i) => i.opcode).join(','), /pipe/, 'nothing of the refused stream reached guacd');
  }

  it('asks guacd for the channel only when the pool enables a device', async function () {
    const { conn } = await live({ devices: ['idcard'] });
    assert.equal(staticChannels(conn), 'YZDEV');
    await relay.close();
    await guacd.close();
    const plain = await live({});
    assert.equal(staticChannels(plain.conn), '');
  });

  it("carries the desktop's request to the owner and the owner's answer to the desktop, auditing it masked", async function () {
    const { client, conn } = await live({ devices: ['idcard', 'camera'] });
    conn.send(encodeInstruction('pipe', 3, 'application/octet-stream', 'YZDEV'));
    conn.send(blobOf('3', { kind: 'request', requestId: 7, body: { op: 'idcard.read' } }));
    const request = await client.waitFor((i) => i.opcode === 'blob' && i.args[0] === '3');
    assert.equal(Buffer.from(request.args[1]!, 'base64').readUInt32BE(4), 7, 'the request id arrives intact');

    client.send(encodeInstruction('pipe', 1, 'application/octet-stream', 'YZDEV'));
    // the answer split in two blobs in the middle of its header: the relay reassembles to audit it
    const wire = encodeDeviceFrame(cardAnswer(7));
    client.send(encodeInstruction('blob', 1, wire.subarray(0, 5).toString('base64')));
    client.send(encodeInstruction('blob', 1, wire.subarray(5).toString('base64')));
    client.send(encodeInstruction('ack', 3, 'OK', 0));
    const blobs = await eventually(() => {
      const found = conn.received.filter((i) => i.opcode === 'blob' && i.args[0] === '1');
      assert.equal(found.length, 2);
      return found;
    });
    assert.deepEqual(Buffer.concat(blobs.map((b) => Buffer.from(b.args[1]!, 'base64'))), wire, 'bytes pass untouched');
    await conn.waitFor((i) => i.opcode === 'ack' && i.args[0] === '3');

    const [sessionId, use] = await eventually(() => {
      const calls = relay.broker.called('recordDeviceUse');
      assert.equal(calls.length, 1);
      return calls[0]!;
    });
    assert.equal(sessionId, 'session-1');
    assert.deepEqual(use, {
      requestId: 7,
      op: 'idcard.read',
      deviceClass: 'idcard',
      outcome: 'ok',
      bytes: (use as { bytes: number }).bytes,
      subject: '3703**********1234',
    });
    assert.ok((use as { bytes: number }).bytes > 200);
    assert.doesNotMatch(JSON.stringify(relay.broker.calls), /370321199003071234|张三/, 'no personal data leaves the relay');
  });

  it('audits a refusal that names the device', async function () {
    const { client, conn } = await live({ devices: ['camera'] });
    client.send(encodeInstruction('pipe', 1, 'application/octet-stream', 'yzdev'));
    client.send(
      blobOf('1', { kind: 'error', requestId: 2, body: { code: 'DEVICE_CLASS_DISABLED', message: '本桌面池未启用该类窗口设备', op: 'idcard.read' } }),
    );
    await conn.waitFor((i) => i.opcode === 'blob');
    await eventually(() => {
      assert.deepEqual(
        relay.broker.called('recordDeviceUse').map(([, use]) => use),
        [
          {
            requestId: 2,
            op: 'idcard.read',
            deviceClass: 'idcard',
            outcome: 'DEVICE_CLASS_DISABLED',
            bytes: (relay.broker.called('recordDeviceUse')[0]![1] as { bytes: number }).bytes,
            subject: null,
          },
        ],
      );
      return true;
    });
  });

  it('refuses the channel from a browser whose pool enables no device', async function () {
    const { client, conn } = await live({ fileTransfer: true });
    client.send(encodeInstruction('pipe', 1, 'application/octet-stream', 'YZDEV'));
    await assertRejected(client, conn);
  });

  it('refuses card data for a pool that enables only the camera, before it reaches the desktop', async function () {
    const { client, conn } = await live({ devices: ['camera'] });
    client.send(encodeInstruction('pipe', 1, 'application/octet-stream', 'YZDEV'));
    await conn.waitFor((i) => i.opcode === 'pipe');
    client.send(blobOf('1', cardAnswer(1)));
    const error = await client.error();
    assert.equal(error.args[1], '768');
    await conn.closed;
    assert.equal(conn.received.filter((i) => i.opcode === 'blob').length, 0);
    assert.deepEqual(relay.broker.called('recordDeviceUse'), []);
  });

  it('refuses bytes on the channel that are not device frames', async function () {
    const { client, conn } = await live({ devices: ['idcard'] });
    client.send(encodeInstruction('pipe', 1, 'application/octet-stream', 'YZDEV'));
    client.send(encodeInstruction('blob', 1, Buffer.from('GET / HTTP/1.1\r\n').toString('base64')));
    const error = await client.error();
    assert.equal(error.args[1], '768');
    await conn.closed;
    assert.equal(conn.received.filter((i) => i.opcode === 'blob').length, 0);
  });

  it("lets only the session's owner answer: a joined browser may not open the channel", function () {
    const pool = settings({ devices: ['idcard'] });
    const pipe = { opcode: 'pipe', args: ['1', 'application/octet-stream', 'YZDEV'] };
    assert.equal(new UpstreamPolicy(pool, { role: 'joined' }).check(pipe).kind, 'reject');
    const owner = new UpstreamPolicy(pool);
    assert.equal(owner.check(pipe).kind, 'forward');
    assert.equal(owner.check({ opcode: 'blob', args: ['1', encodeDeviceFrame(cardAnswer(1)).toString('base64')] }).kind, 'forward');
    assert.equal(owner.check({ opcode: 'end', args: ['1'] }).kind, 'forward');
    assert.equal(owner.check({ opcode: 'blob', args: ['1', 'AAAA'] }).kind, 'reject', 'the stream ended');
  });

  it('a signature and a rating pass for a pool that enables them, audited by size only (never the picture or the strokes); refused for a pool without them', function () {
    const pipe = { opcode: 'pipe', args: ['1', 'application/octet-stream', 'YZDEV'] };
    const image = Buffer.from('not a real png, but what the pad drew').toString('base64');
    const signature: DeviceFrame = {
      kind: 'response',
      requestId: 3,
      body: {
        op: 'signature.capture',
        mime: 'image/png',
        width: 800,
        height: 400,
        image,
        strokes: [
          [
            [1, 2, 0.5, 0],
            [3, 4, 0.6, 10],
          ],
        ],
      },
    };
    const rating: DeviceFrame = { kind: 'response', requestId: 4, body: { op: 'rating.invite', level: 1 } };
    const blob = (frame: DeviceFrame) => ({ opcode: 'blob', args: ['1', encodeDeviceFrame(frame).toString('base64')] });
    const uses: unknown[] = [];
    const pads = new UpstreamPolicy(settings({ devices: ['signature', 'rating'] }), { deviceUses: (use) => uses.push(use) });
    assert.equal(pads.check(pipe).kind, 'forward');
    assert.equal(pads.check(blob(signature)).kind, 'forward');
    assert.equal(pads.check(blob(rating)).kind, 'forward');
    assert.deepEqual(
      uses.map((u) => ({ ...(u as object), bytes: undefined })),
      [
        { requestId: 3, op: 'signature.capture', deviceClass: 'signature', outcome: 'ok', bytes: undefined, subject: null },
        { requestId: 4, op: 'rating.invite', deviceClass: 'rating', outcome: 'ok', bytes: undefined, subject: null },
      ],
    );
    assert.doesNotMatch(JSON.stringify(uses), new RegExp(image.slice(0, 16)), 'nothing of the picture');
    const cardOnly = new UpstreamPolicy(settings({ devices: ['idcard'] }));
    assert.equal(cardOnly.check(pipe).kind, 'forward');
    assert.equal(cardOnly.check(blob(signature)).kind, 'reject');
  });
});
