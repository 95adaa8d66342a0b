import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { AGENT_PROTOCOL_HEADER, AGENT_PROTOCOL_VERSION } from '@yunzhuo/protocol/agent/version';
import { ApiClient } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { FakeGuacd } from '../../helpers/fake-guacd.js';
import { captureLog, type CapturedLog } from '../../helpers/log-capture.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

interface Upgrade {
  status: number;
  code: string | undefined;
  ws?: WebSocket;
}

/** Opens a WebSocket as a hand-made client would; resolves on open (101) or on the refusal's status and error code. */
function upgrade(url: string, opts: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? [], { headers: opts.headers ?? {}, perMessageDeflate: false });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, code: text ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined });
        ws.terminate();
      });
    });
    ws.on('open', () => resolve({ status: 101, code: undefined, ws }));
    ws.on('error', reject); // after a refusal terminate() reports an error: already resolved
  });
}

const cookieOf = (client: ApiClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** Findings 4 and 8 (subprotocol) of issue 13: who may open the broker's WebSockets. */
describe('WebSocket upgrades at the edge', () => {
  let broker: TestBroker;
  let log: CapturedLog;
  let guacd: FakeGuacd;
  let f: Factory;
  let ws: string;
  before(async () => {
    log = captureLog();
    guacd = await FakeGuacd.start();
    broker = await startTestBroker({ logger: log.logger, env: { YUNZHUO_ALLOWED_ORIGINS: 'https://yunzhuo.county.example' } });
    f = new Factory(broker.admin);
    ws = broker.url.replace('http', 'ws');
  });
  after(async () => {
    await broker?.stop();
    await guacd?.close();
  });

  const foreignOrigins = () => {
    const { port } = new URL(broker.url);
    return [`http://127.0.0.1:${Number(port) + 1}`, `http://localhost:${port}`, `https://127.0.0.1:${port}.evil.example`, 'null'];
  };

  it("/api/v1/events with the admin's cookie: a page of another origin is refused with 403 ORIGIN_NOT_ALLOWED, logged once", async () => {
    for (const origin of foreignOrigins()) {
      const before = log.warnings().length;
      const refused = await upgrade(`${ws}/api/v1/events`, { headers: { cookie: cookieOf(broker.admin), origin } });
      assert.deepEqual([refused.status, refused.code], [403, 'ORIGIN_NOT_ALLOWED'], origin);
      const logged = log.warnings().slice(before);
      assert.equal(logged.length, 1, JSON.stringify(logged));
      assert.equal(logged[0]!.code, 'ORIGIN_NOT_ALLOWED');
      assert.equal(logged[0]!.origin, origin);
    }
  });

  it("/api/v1/events opens for the broker's own origin and for a configured one", async () => {
    for (const origin of [broker.url, 'https://yunzhuo.county.example']) {
      const opened = await upgrade(`${ws}/api/v1/events`, { headers: { cookie: cookieOf(broker.admin), origin } });
      assert.equal(opened.status, 101, `${origin}: ${opened.code}`);
      opened.ws!.close();
    }
  });

  it('/tunnel and /agent refuse another origin too; the agent (no Origin) still connects', async () => {
    const { site } = await f.hall({ desktops: 0 });
    const terminal = await f.terminal(site.id, null);
    const agentHeaders = { authorization: `Terminal ${terminal.credential}`, [AGENT_PROTOCOL_HEADER]: AGENT_PROTOCOL_VERSION };
    const [foreign] = foreignOrigins();
    const tunnel = await upgrade(`${ws}/tunnel?token=x`, { protocols: ['guacamole'], headers: { origin: foreign! } });
    assert.deepEqual([tunnel.status, tunnel.code], [403, 'ORIGIN_NOT_ALLOWED']);
    const agentFromPage = await upgrade(`${ws}/agent`, { headers: { ...agentHeaders, origin: foreign! } });
    assert.deepEqual([agentFromPage.status, agentFromPage.code], [403, 'ORIGIN_NOT_ALLOWED']);
    const agent = await upgrade(`${ws}/agent`, { headers: agentHeaders });
    assert.equal(agent.status, 101, agent.code);
    agent.ws!.close();
  });

  it('/tunnel without the guacamole subprotocol is refused before the token is spent', async () => {
    const site = await f.site();
    const department = await f.department();
    const gateway = await f.gateway({ siteId: site.id, port: guacd.port });
    const pool = await f.pool(department.id, site.id, [gateway.id]);
    await f.desktop(pool.id);
    const clerk = await f.account({ departmentIds: [department.id] });
    const seat = await f.windowWithTerminal(site.id);
    const login = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const url = `${ws}/tunnel?token=${encodeURIComponent(login.body.tunnel.token)}&width=1024&height=768`;

    for (const protocols of [[], ['chat'], ['guacamole-not']]) {
      const refused = await upgrade(url, { protocols, headers: { origin: broker.url } });
      assert.deepEqual([refused.status, refused.code], [400, 'TUNNEL_SUBPROTOCOL_REQUIRED'], JSON.stringify(protocols));
    }
    // the same token still opens the desktop: guacd is dialled
    const opened = await upgrade(url, { protocols: ['guacamole'], headers: { origin: broker.url } });
    assert.equal(opened.status, 101);
    await guacd.connection(1);
    opened.ws!.close();
  });
});
