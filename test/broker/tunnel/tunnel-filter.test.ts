import assert from 'node:assert/strict';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';
import { FakeGuacd, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { eventually } from '../../helpers/eventually.js';
import { TunnelClient, settings, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

describe('tunnel: what the browser may send', function () {
  let relay: RelayUnderTest;
  let guacd: FakeGuacd;

  afterEach(async function () {
    await relay?.close();
    await guacd?.close();
  });

  async function live(pool: Partial<PoolSettings> = {}): Promise<{ client: TunnelClient; conn: FakeGuacdConnection }> {
    guacd = await FakeGuacd.start();
    relay = await startRelay();
    relay.broker.tokens.set('t1', target([guacd], { settings: settings(pool) }));
    const client = TunnelClient.open(relay.url, 'token=t1');
    const conn = await guacd.connection(1);
    await client.waitFor((i) => i.opcode === 'sync');
    return { client, conn };
  }

  /** The tunnel closed with CLIENT_BAD_REQUEST (768), and the engine heard 'protocol-violation' once. */
  async function assertRejected(client: TunnelClient, conn: FakeGuacdConnection): Promise<void> {
    const error = await client.error();
    assert.equal(error.args[1], '768');
    assert.match(error.args[0] ?? '', /VALIDATION_FAILED/);
    const closed = await client.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /^768 /);
    await conn.closed;
    await eventually(() => {
      assert.deepEqual(relay.broker.called('markClosed'), [['session-1', 'protocol-violation']]);
      return true;
    });
  }

  it('forwards input instructions in order', async function () {
    const { client, conn } = await live();
    const input = ['3.key,5.65507,1.1;', '5.mouse,3.100,3.200,1.1;', '4.sync,13.1700000000001;', '3.nop;', '4.size,4.1280,3.800;'];
    for (const text of input) client.send(text);
    await conn.waitFor((i) => i.opcode === 'size' && i.args[0] === '1280');
    const after = conn.received.slice(conn.received.findIndex((i) => i.opcode === 'connect') + 1);
    assert.deepEqual(
      after.map((i) => i.opcode),
      ['key', 'mouse', 'sync', 'nop', 'size'],
    );
    assert.deepEqual(after[1]?.args, ['100', '200', '1']);
  });

  it('clamps a browser resize to the display bounds', async function () {
    const { client, conn } = await live();
    client.send('4.size,5.20000,2.10;');
    const size = await conn.waitFor((i) => i.opcode === 'size' && i.args[0] === '7680');
    assert.deepEqual(size.args, ['7680', '480']);
  });

  for (const [label, text] of [
    ['select', '6.select,3.rdp;'],
    ['connect', '7.connect,13.VERSION_1_5_0,9.127.0.0.1;'],
    ['an unknown opcode', '5.hello,5.world;'],
    ['argv (changing connection arguments)', '4.argv,1.1,10.text/plain,8.password;'],
    ['a malformed instruction', '4.key,x.1;'],
    ['a blob on a stream it never opened', '4.blob,1.7,4.QUJD;'],
  ] as const) {
    it(`closes the tunnel on ${label}`, async function () {
      const { client, conn } = await live();
      client.send(text);
      await assertRejected(client, conn);
      assert.ok(!conn.received.some((i) => ['hello', 'argv', 'blob'].includes(i.opcode)), 'nothing of it reached guacd');
      assert.equal(conn.received.filter((i) => i.opcode === 'select' || i.opcode === 'connect').length, 2, 'only our own handshake');
    });
  }

  for (const policy of ['none', 'from-desktop'] as const) {
    it(`closes the tunnel on a clipboard stream from the browser when the pool says ${policy}`, async function () {
      const { client, conn } = await live({ clipboard: policy });
      client.send('9.clipboard,1.0,10.text/plain;');
      await assertRejected(client, conn);
      assert.ok(!conn.received.some((i) => i.opcode === 'clipboard'));
    });
  }

  for (const policy of ['both', 'to-desktop'] as const) {
    it(`lets a clipboard stream through when the pool says ${policy}`, async function () {
      const { client, conn } = await live({ clipboard: policy });
      client.send('9.clipboard,1.0,10.text/plain;');
      client.send('4.blob,1.0,8.5L2g5aW9;');
      client.send('3.end,1.0;');
      await conn.waitFor((i) => i.opcode === 'end');
      assert.deepEqual(
        conn.received.slice(-3).map((i) => i.opcode),
        ['clipboard', 'blob', 'end'],
      );
    });
  }

  it('refuses file upload unless the pool allows file transfer', async function () {
    const { client, conn } = await live({ fileTransfer: false });
    client.send('4.file,1.2,24.application/octet-stream,5.a.txt;');
    await assertRejected(client, conn);
  });

  it('allows file upload when the pool allows file transfer', async function () {
    const { client, conn } = await live({ fileTransfer: true });
    client.send('4.file,1.2,24.application/octet-stream,5.a.txt;');
    client.send('4.blob,1.2,4.QUJD;');
    await conn.waitFor((i) => i.opcode === 'blob');
    assert.equal(conn.find('file')?.args[2], 'a.txt');
  });

  it("always lets acks of guacd's own streams through", async function () {
    const { client, conn } = await live();
    client.send('3.ack,1.1,2.OK,1.0;');
    const ack = await conn.waitFor((i) => i.opcode === 'ack');
    assert.deepEqual(ack.args, ['1', 'OK', '0']);
  });
});
