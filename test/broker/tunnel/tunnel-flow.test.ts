import assert from 'node:assert/strict';
import { pino } from 'pino';
import { encodeInstruction } from '@yunzhuo/protocol';
import { FIRST_FRAME, FakeGuacd, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { eventually } from '../../helpers/eventually.js';
import { TunnelClient, settings, sleep, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';
import type { TunnelLimits } from '../../../broker/src/tunnel/tunnel.limits.js';

describe('tunnel: the downstream flow', function () {
  let relay: RelayUnderTest | undefined;
  let guacd: FakeGuacd | undefined;

  afterEach(async function () {
    await relay?.close();
    await guacd?.close();
    relay = undefined;
    guacd = undefined;
  });

  function running(): RelayUnderTest {
    assert.ok(relay, 'relay started');
    return relay;
  }

  async function live(limits: Partial<TunnelLimits> = {}, token = 't1'): Promise<{ client: TunnelClient; conn: FakeGuacdConnection }> {
    guacd ??= await FakeGuacd.start();
    relay ??= await startRelay(limits);
    relay.broker.tokens.set(token, target([guacd], { sessionId: `session-${token}` }));
    const client = TunnelClient.open(relay.url, `token=${token}`);
    await client.waitFor((i) => i.opcode === 'sync');
    return { client, conn: guacd.connections.at(-1)! };
  }

  it("every WebSocket message holds whole instructions, whatever guacd's writes cut", async function () {
    const { client, conn } = await live();
    const name = Buffer.from(encodeInstruction('name', '桌面 😀 desk'));
    const stream = Buffer.concat([
      name,
      Buffer.from(encodeInstruction('size', -1, 11, 16) + encodeInstruction('png', 14, 0, 0, 0, 'iVBORw0KGgo'.repeat(20)) + encodeInstruction('sync', 1234)),
    ]);
    const before = client.messages.length;
    for (let at = 0; at < stream.length; at += 3) {
      conn.send(stream.subarray(at, at + 3)); // cuts inside lengths, elements and UTF-8 sequences
      await sleep(1); // pacing only: separate reads, so that cuts reach the relay
      // the first instruction is on the browser before the rest is sent: more than one message, whatever the reads
      if (at < name.length && at + 3 >= name.length) await client.waitFor((i) => i.opcode === 'name');
    }
    await client.waitFor((i) => i.opcode === 'sync' && i.args[0] === '1234');
    client.assertWholeInstructions();
    assert.ok(client.messages.length - before > 1, 'sent as it came, not all at the end');
    assert.deepEqual(Buffer.concat(client.messages.slice(before)), stream, 'the bytes guacd sent, unchanged');
  });

  it('batches: one message per read, not one per instruction', async function () {
    const { client, conn } = await live();
    const before = client.messages.length;
    conn.send(Array.from({ length: 200 }, (_, i) => encodeInstruction('sync', i)).join(''));
    await client.waitFor((i) => i.opcode === 'sync' && i.args[0] === '199');
    assert.ok(client.messages.length - before < 10, `${client.messages.length - before} messages for 200 instructions`);
  });

  it('a browser that stops reading pauses guacd and holds broker memory under the cap', async function () {
    const limits = { highWaterBytes: 256 * 1024, lowWaterBytes: 64 * 1024, hardCapBytes: 1024 * 1024, stallTimeoutMs: 60_000 };
    const { client, conn } = await live(limits);
    const before = client.bytesReceived();
    client.ws.pause();
    const streaming = conn.streamBulk(64 * 1024 * 1024);
    await eventually(
      () => {
        assert.equal(running().tunnels.inspect('session-t1')?.guacdPaused, true);
        return true;
      },
      { timeoutMs: 10_000 },
    );
    const stalled = running().tunnels.inspect('session-t1')!;
    // The fake's writes back up once every buffer between it and the relay is full: from then on
    // the relay's guacd socket has bytes to read on every turn of the event loop, unless paused.
    await eventually(
      () => {
        assert.ok(conn.socket.writableLength > 0, "the fake guacd's writes are blocked");
        return true;
      },
      { timeoutMs: 10_000 },
    );
    await new Promise(setImmediate);
    await new Promise(setImmediate);
    const now = running().tunnels.inspect('session-t1')!;
    assert.ok(now.browserBacklogBytes <= limits.hardCapBytes, `backlog ${now.browserBacklogBytes} bytes`);
    assert.ok(now.browserBacklogBytes >= limits.highWaterBytes, 'paused only above high water');
    assert.equal(now.guacdPaused, true);
    assert.equal(now.bytesDown, stalled.bytesDown, 'nothing more read from guacd while paused');

    client.ws.resume();
    const sent = await streaming;
    await eventually(
      () => {
        assert.equal(client.bytesReceived() - before, sent);
        return true;
      },
      { timeoutMs: 20_000 },
    );
    client.assertWholeInstructions();
    assert.equal(running().tunnels.inspect('session-t1')?.guacdPaused, false);
  });

  it('a guacd that stops reading pauses the browser side; nothing is lost', async function () {
    guacd = await FakeGuacd.start();
    relay = await startRelay();
    relay.broker.tokens.set('t1', target([guacd], { sessionId: 'session-t1', settings: settings({ clipboard: 'both' }) }));
    const client = TunnelClient.open(relay.url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    const conn = guacd.connections[0]!;
    conn.socket.pause();
    const blobs = 4000; // 8 KB each, 32 MB in all: more than the kernel buffers take
    const data = 'QUJD'.repeat(2000);
    client.send(encodeInstruction('clipboard', 0, 'text/plain'));
    for (let i = 0; i < blobs; i++) client.send(encodeInstruction('blob', 0, data));
    client.send(encodeInstruction('end', 0));
    await eventually(
      () => {
        assert.equal(running().tunnels.inspect('session-t1')?.browserPaused, true);
        return true;
      },
      { timeoutMs: 10_000 },
    );
    conn.socket.resume();
    await conn.waitFor((i) => i.opcode === 'end', 20_000);
    assert.equal(conn.received.filter((i) => i.opcode === 'blob' && i.args[1] === data).length, blobs);
    assert.equal(running().tunnels.inspect('session-t1')?.browserPaused, false);
  });

  it('a browser that stays stalled is dropped after stallTimeoutMs, guacd released', async function () {
    const { client, conn } = await live({ highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024, stallTimeoutMs: 300 });
    client.ws.pause();
    void conn.streamBulk(64 * 1024 * 1024);
    const tunnels = running().tunnels;
    await eventually(
      () => {
        assert.equal(tunnels.inspect('session-t1')?.guacdPaused, true);
        return true;
      },
      { timeoutMs: 10_000 },
    );
    // paused now, and the stall timer armed with it; no I/O runs between these lines
    running().clock.advance(299);
    assert.equal(tunnels.liveCount(), 1, 'not before stallTimeoutMs');
    running().clock.advance(1);
    assert.equal(tunnels.liveCount(), 0);
    await conn.closed;
    await eventually(() => {
      assert.deepEqual(running().broker.called('markClosed'), [['session-t1', 'browser-closed']]);
      return true;
    });
    assert.equal(running().tunnels.liveCount(), 0);
  });

  it('a guacd that dies mid-stream closes only its own tunnel', async function () {
    const first = await live({}, 'a');
    const second = await live({}, 'b');
    assert.equal(running().tunnels.liveCount(), 2);
    first.conn.send(encodeInstruction('sync', 5));
    first.conn.die();
    const error = await first.client.error();
    assert.equal(error.args[1], '515');
    assert.match(error.args[0] ?? '', /GATEWAY_UNAVAILABLE/);
    assert.match((await first.client.closed).reason, /^515 gateway-failed/);
    await eventually(() => {
      assert.deepEqual(running().broker.called('markClosed'), [['session-a', 'gateway-failed']]);
      return true;
    });

    second.conn.send(encodeInstruction('sync', 77));
    await second.client.waitFor((i) => i.opcode === 'sync' && i.args[0] === '77');
    second.client.send('4.sync,2.77;');
    await second.conn.waitFor((i) => i.opcode === 'sync' && i.args[0] === '77');
    assert.equal(running().tunnels.liveCount(), 1);
  });

  it("guacd's own error reaches the browser and ends the tunnel as desktop-failed", async function () {
    const { client, conn } = await live();
    conn.send(encodeInstruction('error', 'Server refused connection (wrong security type?)', 519));
    conn.socket.end(); // as guacd does right after its error
    const error = await client.error();
    assert.deepEqual(error.args, ['Server refused connection (wrong security type?)', '519']);
    assert.equal(client.instructions.filter((i) => i.opcode === 'error').length, 1, 'no second error of ours');
    assert.match((await client.closed).reason, /^519 desktop-failed/);
    await conn.closed;
    await eventually(() => {
      assert.deepEqual(running().broker.called('markClosed'), [['session-t1', 'desktop-failed']]);
      return true;
    });
  });

  it("guacd's error counts even when the browser leaves before guacd closes", async function () {
    const { client, conn } = await live();
    conn.send(encodeInstruction('error', 'Login failed', 769));
    await client.error();
    client.ws.close(); // what Guacamole.Client does on an error instruction
    await eventually(() => {
      assert.deepEqual(running().broker.called('markClosed'), [['session-t1', 'desktop-failed']]);
      return true;
    });
  });

  it('holds guacd output until the first frame, then sends it as one message', async function () {
    // the relay logs each read it holds: the first frame is written only once the cursor was read and held
    let cursorHeld: () => void = () => {};
    const held = new Promise<void>((resolve) => (cursorHeld = resolve));
    const logger = pino(
      { level: 'debug' },
      {
        write: (line: string) => {
          if (line.includes('holding guacd output until the first frame')) cursorHeld();
        },
      },
    );
    guacd = await FakeGuacd.start({
      afterReady: async (conn) => {
        conn.send(encodeInstruction('cursor', 0, 0, -1, 0, 0, 11, 16));
        await held;
        conn.send(FIRST_FRAME);
      },
    });
    relay = await startRelay({}, { logger });
    const { client } = await live();
    assert.equal(client.messages.length, 2, 'the UUID, then everything up to the first sync at once');
    assert.deepEqual(
      client.instructions.slice(1).map((i) => i.opcode),
      ['cursor', 'size', 'sync'],
    );
  });
});
