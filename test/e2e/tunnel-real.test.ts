import assert from 'node:assert/strict';
import net from 'node:net';
import { encodeInstruction } from '@yunzhuo/protocol';
import { Factory } from '../helpers/factories.js';
import { eventually } from '../helpers/eventually.js';
import { startTestBroker, type TestBroker } from '../helpers/start-broker.js';
import { startRealStack, type RealStack } from '../setup/real-stack.js';
import { TunnelClient } from '../broker/tunnel/tunnel-test-kit.js';

const PASS = 'clerk-pass-1';

/** A port nobody listens on: a gateway that is down. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Opens the broker's tunnel like the page does, answering guacd's syncs. */
function openTunnel(broker: TestBroker, token: string): TunnelClient {
  const client = TunnelClient.open(`${broker.url.replace('http', 'ws')}/tunnel`, `token=${encodeURIComponent(token)}&width=1024&height=768&dpi=96`);
  client.ws.on('message', (data: Buffer) => {
    for (const m of data.toString().matchAll(/4\.sync,(\d+)\.(\d+)[,;]/g)) client.send(encodeInstruction('sync', m[2]!));
  });
  return client;
}

async function firstFrame(client: TunnelClient): Promise<void> {
  await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 30_000);
  await client.waitFor((i) => i.opcode === 'sync', 30_000);
  client.assertWholeInstructions();
}

describe('tunnel against the real guacd + xrdp stack', function () {
  this.timeout(120_000);
  let stack: RealStack;
  let broker: TestBroker;
  let f: Factory;

  before(async () => {
    stack = await startRealStack({ desktops: 2 });
    broker = await startTestBroker({ env: { YUNZHUO_RECORDING_DIR: stack.recordingDir } });
    f = new Factory(broker.admin);
  });
  after(async () => {
    await broker?.stop();
    await stack?.stop();
  });

  async function hallOnStack(gatewayPorts: number[], settings: Record<string, unknown> = {}) {
    const site = await f.site();
    const department = await f.department();
    const gateways = [];
    for (const port of gatewayPorts) gateways.push(await f.gateway({ siteId: site.id, host: stack.guacd.host, port }));
    const pool = await f.pool(
      department.id,
      site.id,
      gateways.map((g) => g.id),
      { settings: { security: 'any', ignoreCert: true, width: 1024, height: 768, ...settings } },
    );
    const desktops = [];
    for (const d of stack.desktops) desktops.push(await f.desktop(pool.id, { host: d.host, port: d.port, rdpUsername: d.username, rdpPassword: d.password }));
    return { site, department, gateways, pool, desktops };
  }

  async function loginAt(siteId: string, departmentId: string) {
    const clerk = await f.account({ departmentIds: [departmentId] });
    const seat = await f.windowWithTerminal(siteId);
    const res = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: PASS });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { clerk, seat, session: res.body.session, token: res.body.tunnel.token as string };
  }

  it('two clerks at once reach ready and real frames; a dropped tunnel comes back to the same desktop; a recording is written and linked', async () => {
    const hall = await hallOnStack([stack.guacd.port], { recording: true });
    const [a, b] = await Promise.all([loginAt(hall.site.id, hall.department.id), loginAt(hall.site.id, hall.department.id)]);
    const [ta, tb] = [openTunnel(broker, a.token), openTunnel(broker, b.token)];
    await Promise.all([firstFrame(ta), firstFrame(tb)]);
    const sa = (await broker.admin.get(`/api/v1/sessions/${a.session.id}`)).body;
    const sb = (await broker.admin.get(`/api/v1/sessions/${b.session.id}`)).body;
    assert.equal(sa.state, 'active');
    assert.equal(sb.state, 'active');
    assert.notEqual(sa.desktopId, sb.desktopId);

    // the network drops: the page asks for a new token and gets the same desktop back
    ta.ws.terminate();
    await eventually(async () => (await broker.admin.get(`/api/v1/sessions/${a.session.id}`)).body.state === 'disconnected', { timeoutMs: 10_000 });
    const again = await a.seat.client.post(`/api/v1/terminal/sessions/${a.session.id}/tunnel-token`);
    assert.equal(again.status, 201);
    const ta2 = openTunnel(broker, again.body.token);
    await firstFrame(ta2);
    const back = (await broker.admin.get(`/api/v1/sessions/${a.session.id}`)).body;
    assert.equal(back.state, 'active');
    assert.equal(back.desktopId, sa.desktopId);

    // logoff ends both; guacd has written each recording where the session row says
    for (const { seat, session } of [a, b]) assert.equal((await seat.client.post(`/api/v1/terminal/sessions/${session.id}/logoff`)).status, 200);
    const ended = (await broker.admin.get(`/api/v1/sessions/${b.session.id}`)).body;
    assert.equal(ended.hasRecording, true);
    const download = await eventually(
      async () => {
        const res = await fetch(`${broker.url}/api/v1/sessions/${b.session.id}/recording`, {
          headers: { cookie: [...broker.admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        assert.equal(res.status, 200);
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.ok(bytes.length > 100, `recording has ${bytes.length} bytes`);
        return bytes;
      },
      { timeoutMs: 10_000 },
    );
    assert.match(download.subarray(0, 2000).toString(), /\d+\.size,/, 'raw Guacamole protocol');
  });

  it('a reconnect on a new guacd connection is recorded as the next part, beside the first', async () => {
    const hall = await hallOnStack([stack.guacd.port], { recording: true });
    const login = await loginAt(hall.site.id, hall.department.id);
    const first = openTunnel(broker, login.token);
    await firstFrame(first);
    first.ws.terminate();
    await eventually(async () => (await broker.admin.get(`/api/v1/sessions/${login.session.id}`)).body.state === 'disconnected', { timeoutMs: 10_000 });
    // the parked guacd user cannot be joined through a gateway the pool no longer has: guacd opens a new connection
    const twin = await f.gateway({ siteId: hall.site.id, host: stack.guacd.host, port: stack.guacd.port });
    assert.equal((await broker.admin.patch(`/api/v1/pools/${hall.pool.id}`, { gatewayIds: [twin.id] })).status, 200);
    const again = await login.seat.client.post(`/api/v1/terminal/sessions/${login.session.id}/tunnel-token`);
    const second = openTunnel(broker, again.body.token);
    await firstFrame(second);
    assert.equal((await login.seat.client.post(`/api/v1/terminal/sessions/${login.session.id}/logoff`)).status, 200);

    await eventually(
      async () => {
        const res = await broker.admin.get(`/api/v1/sessions/${login.session.id}/recordings`);
        assert.deepEqual(
          res.body.items.map((p: { index: number }) => p.index),
          [0, 1],
          'guacd wrote <id> and then <id>.1',
        );
        return true;
      },
      { timeoutMs: 10_000 },
    );
    const bytes = await eventually(
      async () => {
        const res = await fetch(`${broker.url}/api/v1/sessions/${login.session.id}/recording?part=1`, {
          headers: { cookie: [...broker.admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        assert.equal(res.status, 200);
        const body = Buffer.from(await res.arrayBuffer());
        assert.ok(body.length > 100, `part 1 has ${body.length} bytes`);
        return body;
      },
      { timeoutMs: 10_000 },
    );
    assert.match(bytes.subarray(0, 2000).toString(), /\d+\.size,/, 'the second connection is recorded as raw Guacamole protocol');
  });

  it('a dead gateway fails over to the next one and is reported down', async () => {
    const hall = await hallOnStack([await deadPort(), stack.guacd.port]);
    const login = await loginAt(hall.site.id, hall.department.id);
    const tunnel = openTunnel(broker, login.token);
    await firstFrame(tunnel);
    const session = (await broker.admin.get(`/api/v1/sessions/${login.session.id}`)).body;
    assert.equal(session.gatewayId, hall.gateways[1].id);
    assert.equal((await broker.admin.get(`/api/v1/gateways/${hall.gateways[0].id}`)).body.health, 'down');
    assert.equal((await login.seat.client.post(`/api/v1/terminal/sessions/${login.session.id}/logoff`)).status, 200);
    tunnel.ws.close();
  });
});
