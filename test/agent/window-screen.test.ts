import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { WindowScreenServer } from '../../agent/src/screen/window-screen.server.js';

/** Issue 17: the agent's screen channel to the window page, on real loopback sockets. */
describe('window screen channel (agent side)', () => {
  let server: WindowScreenServer;
  beforeEach(async () => {
    server = new WindowScreenServer();
    await server.listen();
  });
  afterEach(() => server.close());

  const address = () => {
    const [port, secret] = server.fragment.replace(/^screen=/, '').split('.');
    return { port: Number(port), secret: String(secret) };
  };
  const connect = (secret = address().secret) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${address().port}/?secret=${secret}`);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  it('puts the address in the kiosk fragment and refuses a wrong secret', async () => {
    assert.match(server.fragment, /^screen=\d+\.[A-Za-z0-9_-]{32}$/);
    await assert.rejects(connect('x'.repeat(32)), /401/);
  });

  it('no page open: show says false at once', async () => {
    assert.equal(await server.show({ type: 'lock' }), false);
  });

  it('a page that answers shown makes show true, with the message as sent', async () => {
    const ws = await connect();
    const heard: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      heard.push(m);
      ws.send(JSON.stringify({ type: 'shown', id: m.id }));
    });
    assert.equal(await server.show({ type: 'notice', text: '请保存工作', level: 'urgent', durationSeconds: 0 }), true);
    assert.equal(await server.show({ type: 'window-bound', windowId: null }), true);
    assert.deepEqual(
      heard.map(({ id: _id, ...m }) => m),
      [
        { type: 'notice', text: '请保存工作', level: 'urgent', durationSeconds: 0 },
        { type: 'window-bound', windowId: null },
      ],
    );
    ws.close();
  });

  it('a page that sends anything but an answer is closed (1008)', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{"type":"hello"}');
    assert.equal(await closed, 1008);
  });
});
