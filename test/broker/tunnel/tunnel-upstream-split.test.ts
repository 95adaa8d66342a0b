// browser → guacd when the browser's messages cut instructions (the stock client sends whole
// ones; a proxy or another client may not): each instruction reaches guacd whole, once, as soon
// as its last piece has arrived — the relay holds a piece only until the instruction is complete.
import assert from 'node:assert/strict';
import { encodeInstruction } from '@yunzhuo/protocol';
import { FakeGuacd, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { TunnelClient, startRelay, target, type RelayUnderTest } from './tunnel-test-kit.js';

describe('tunnel: instructions the browser splits over several messages', function () {
  let relay: RelayUnderTest;
  let guacd: FakeGuacd;
  let client: TunnelClient;
  let conn: FakeGuacdConnection;

  before(async function () {
    guacd = await FakeGuacd.start();
    relay = await startRelay();
    relay.broker.tokens.set('t1', target([guacd]));
    client = TunnelClient.open(relay.url, 'token=t1');
    await client.waitFor((i) => i.opcode === 'sync');
    conn = guacd.connections.at(-1)!;
  });

  after(async function () {
    await relay.close();
    await guacd.close();
  });

  it('a key press cut at every position reaches guacd whole when its last piece arrives', async function () {
    const press = (cut: number): string[] => ['65307', String(cut % 2)]; // Escape, down and up in turn
    const length = encodeInstruction('key', ...press(0)).length;
    for (let cut = 1; cut < length; cut++) {
      const id = String(cut);
      const instruction = encodeInstruction('key', ...press(cut));
      client.send(instruction.slice(0, cut));
      client.send(instruction.slice(cut) + encodeInstruction('sync', id));
      // the sync travels in the same message as the key's last piece: it comes right behind it
      await conn.waitFor((i) => i.opcode === 'sync' && i.args[0] === id);
      const last = conn.received.slice(-2);
      assert.deepEqual(
        last.map((i) => [i.opcode, ...i.args]),
        [
          ['key', ...press(cut)],
          ['sync', id],
        ],
        `cut at ${cut}`,
      );
    }
  });

  it('three pieces, each sent alone: the instruction is written once the third is in', async function () {
    const before = conn.received.length;
    const text = encodeInstruction('mouse', 512, 384, 1);
    client.send(text.slice(0, 3));
    client.send(text.slice(3, 9));
    client.send(text.slice(9));
    const mouse = await conn.waitFor((i) => i.opcode === 'mouse' && i.args[0] === '512');
    assert.deepEqual(mouse.args, ['512', '384', '1']);
    assert.equal(conn.received.slice(before).filter((i) => i.opcode === 'mouse').length, 1);
  });
});
