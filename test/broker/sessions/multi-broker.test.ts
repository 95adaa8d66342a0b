import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import WebSocket from 'ws';
import { openDatabase } from '../../../broker/src/db/database.js';
import { initModels } from '../../../broker/src/db/models.js';
import { Gateway } from '../../../broker/src/gateways/gateway.model.js';
import { loadOrCreateSecretKey, SecretBox } from '../../../broker/src/lib/secret-box.js';
import { AgentProcess } from '../../agent/agent-kit.js';
import { ApiClient } from '../../helpers/api-client.js';
import { startBrokerProcess, type BrokerProcess } from '../../helpers/broker-process.js';
import { SEED_PASSWORD, seedHall, type SeededHall } from '../../helpers/bulk-seed.js';
import { eventually } from '../../helpers/eventually.js';
import { FakeGuacd } from '../../helpers/fake-guacd.js';
import { createPgDatabase } from '../../helpers/test-database.js';

const ADMIN_PASSWORD = 'admin-pass-1234';

async function windowLogin(base: string, credential: string, username: string) {
  const res = await fetch(`${base}/api/v1/terminal/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Terminal ${credential}` },
    body: JSON.stringify({ username, password: SEED_PASSWORD }),
  });
  const body = (await res.json()) as { session: { id: string; reconnected: boolean }; tunnel: { token: string } };
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

/** one series of the broker's /metrics (name and labels as printed), 0 when absent */
async function metric(broker: BrokerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${broker.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** how many `kind` messages from other processes `broker` has taken off the cluster bus (its /metrics) */
function busReceived(broker: BrokerProcess, kind: string): Promise<number> {
  return metric(broker, `yunzhuo_cluster_messages_received{kind="${kind}"}`);
}

/** runs `act` on one broker, then waits until `to` has taken `count` more `kind` messages off the bus */
async function acrossTheBus(to: BrokerProcess, kind: string, count: number, act: () => Promise<void>): Promise<void> {
  const before = await busReceived(to, kind);
  await act();
  await eventually(async () => (await busReceived(to, kind)) >= before + count);
}

interface Tunnel {
  ws: WebSocket;
  text: () => string;
  closed: Promise<void>;
}

function openTunnel(base: string, token: string): Tunnel {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/tunnel?token=${encodeURIComponent(token)}&width=1280&height=720`, 'guacamole');
  let text = '';
  ws.on('message', (data) => (text += String(data)));
  ws.on('error', () => undefined);
  return { ws, text: () => text, closed: new Promise((resolve) => ws.on('close', () => resolve())) };
}

/** Several brokers on one PostgreSQL: what one process decides reaches tunnels and consoles held by another. */
describe('two broker processes sharing PostgreSQL', function () {
  this.timeout(120_000);
  let dataDir: string;
  let dropDb: () => Promise<void>;
  let a: BrokerProcess;
  let b: BrokerProcess;
  let env: Record<string, string>;
  let sequelize: Sequelize;
  let guacd: FakeGuacd;
  let hall: SeededHall;
  const tunnels: Tunnel[] = [];

  const stateOf = async (sessionId: string) =>
    (await sequelize.query<{ state: string }>('SELECT state FROM sessions WHERE id = :sessionId', { replacements: { sessionId }, type: QueryTypes.SELECT }))[0]
      ?.state;
  const tunnel = (base: string, token: string) => {
    const t = openTunnel(base, token);
    tunnels.push(t);
    return t;
  };

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'yz-cluster-'));
    const db = await createPgDatabase();
    dropDb = db.drop;
    env = { YUNZHUO_DATA_DIR: dataDir, YUNZHUO_DATABASE_URL: db.url, YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD };
    a = await startBrokerProcess(env);
    b = await startBrokerProcess(env);
    sequelize = openDatabase(db.url);
    initModels(sequelize);
    guacd = await FakeGuacd.start();
    hall = await seedHall(sequelize, new SecretBox(loadOrCreateSecretKey(dataDir)), { clerks: 3, desktops: 3, windows: 3 });
    await Gateway.update({ port: guacd.port }, { where: {} });
  });

  after(async () => {
    for (const t of tunnels) t.ws.terminate();
    await Promise.all([a?.stop(), b?.stop()]);
    await guacd?.close();
    await sequelize?.close();
    await dropDb?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a takeover brokered by B closes the tunnel A holds, and the session ends up active on B', async () => {
    const clerk = hall.usernames[0]!;
    const first = await windowLogin(a.url, hall.terminals[0]!, clerk);
    const onA = tunnel(a.url, first.tunnel.token);
    await eventually(async () => (await stateOf(first.session.id)) === 'active');

    const second = await windowLogin(b.url, hall.terminals[1]!, clerk);
    assert.equal(second.session.reconnected, true);
    assert.equal(second.session.id, first.session.id);
    await onA.closed;
    assert.match(onA.text(), /A-002/, 'the first window is told where the desktop went');

    const onB = tunnel(b.url, second.tunnel.token);
    await eventually(async () => (await stateOf(first.session.id)) === 'active' && onB.text().includes('sync'));
    // A logs its tunnel's close once its engine has been told (markClosed done)
    await eventually(() =>
      a
        .stdout()
        .split('\n')
        .some((l) => l.includes('"msg":"tunnel closed"') && l.includes(first.session.id) && l.includes('"reason":"taken-over"')),
    );
    assert.equal(await stateOf(first.session.id), 'active', "A's closing tunnel does not mark B's live one disconnected");
    assert.equal(onB.ws.readyState, WebSocket.OPEN);
  });

  it("an admin's logoff on A closes the tunnel B holds, and a console on A sees logins brokered by B", async () => {
    const admin = new ApiClient(a.url);
    assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
    const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const feed = new WebSocket(`${a.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie } });
    const seen: Array<{ type: string; data: { id?: string; state?: string } }> = [];
    feed.on('message', (raw) => seen.push(JSON.parse(String(raw))));
    await eventually(() => seen.some((e) => e.type === 'hello'));

    const login = await windowLogin(b.url, hall.terminals[2]!, hall.usernames[1]!);
    const onB = tunnel(b.url, login.tunnel.token);
    await eventually(async () => (await stateOf(login.session.id)) === 'active');
    await eventually(() => seen.some((e) => e.type === 'session.changed' && e.data.id === login.session.id && e.data.state === 'active'));

    assert.equal((await admin.post(`/api/v1/sessions/${login.session.id}/end`, { reason: 'end of day' })).status, 200);
    await onB.closed;
    assert.equal(await stateOf(login.session.id), 'ended');
    feed.close();
  });

  it('a cluster connection that PostgreSQL drops is reopened, and messages flow again', async () => {
    const busBackends = () =>
      sequelize.query<{ pid: number; query: string }>(
        `SELECT pid, query FROM pg_stat_activity WHERE application_name LIKE 'yunzhuo-bus-%' AND datname = current_database()`,
        { type: QueryTypes.SELECT },
      );
    const killed = new Set((await busBackends()).map((b) => b.pid));
    assert.equal(killed.size, 2, 'each broker holds one listening connection');
    await sequelize.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN (:pids)`, { replacements: { pids: [...killed] } });
    // two new connections, each past its LISTEN
    await eventually(async () => (await busBackends()).filter((b) => !killed.has(b.pid) && !/^\s*$/.test(b.query) && !/^SET /.test(b.query)).length === 2, {
      timeoutMs: 10_000,
    });
    const clerk = hall.usernames[2]!;
    const first = await windowLogin(a.url, hall.terminals[0]!, clerk);
    const onA = tunnel(a.url, first.tunnel.token);
    await eventually(async () => (await stateOf(first.session.id)) === 'active');
    await windowLogin(b.url, hall.terminals[2]!, clerk);
    await onA.closed;
    assert.match(onA.text(), /A-003/);
  });

  it('a tunnel whose session ended without a word reaching its process is closed within one check', async () => {
    const login = await windowLogin(a.url, hall.terminals[1]!, hall.usernames[1]!);
    const onA = tunnel(a.url, login.tunnel.token);
    await eventually(async () => (await stateOf(login.session.id)) === 'active');
    // as if the logoff happened in a process whose bus message was lost
    await sequelize.query(`UPDATE sessions SET state = 'ended', live_key = NULL, end_reason = 'logoff' WHERE id = :id`, {
      replacements: { id: login.session.id },
    });
    const started = Date.now();
    await onA.closed;
    assert.ok(Date.now() - started < 8_000, 'closed by the periodic check');
    assert.match(onA.text(), /会话已结束/);
  });

  it("a clerk's wrong passwords count on every broker, and a success on one clears them on all", async () => {
    const extra = await seedHall(sequelize, new SecretBox(loadOrCreateSecretKey(dataDir)), { clerks: 2, desktops: 2, windows: 2 });
    const attempt = async (base: string, username: string, password: string) => {
      const res = await fetch(`${base}/api/v1/terminal/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Terminal ${extra.terminals[0]}` },
        body: JSON.stringify({ username, password }),
      });
      return res.status === 201 ? 'ok' : ((await res.json()) as { error: { code: string } }).error.code;
    };
    const wrong = async (base: string, username: string, times: number) => {
      for (let i = 0; i < times; i++) assert.equal(await attempt(base, username, 'not-the-password'), 'INVALID_CREDENTIALS', `wrong password ${i + 1}`);
    };

    // the limit is 5 failures per account: 3 on A and 2 on B block the clerk on both
    const [blocked, cleared] = extra.usernames as [string, string];
    await acrossTheBus(b, 'throttle.account.add', 3, () => wrong(a.url, blocked, 3));
    await acrossTheBus(a, 'throttle.account.add', 2, () => wrong(b.url, blocked, 2));
    assert.equal(await attempt(a.url, blocked, SEED_PASSWORD), 'TOO_MANY_ATTEMPTS', 'A counted the failures made on B');
    assert.equal(await attempt(b.url, blocked, SEED_PASSWORD), 'TOO_MANY_ATTEMPTS');

    // 4 failures on A, then the right password on B: A forgets them, and 4 more wrong ones are only wrong
    await acrossTheBus(b, 'throttle.account.add', 4, () => wrong(a.url, cleared, 4));
    await acrossTheBus(a, 'throttle.account.clear', 1, async () => assert.equal(await attempt(b.url, cleared, SEED_PASSWORD), 'ok'));
    await wrong(a.url, cleared, 4);
  });

  it('an agent connected to A: B (even restarted) keeps it online, runs commands through A, and a revocation on B locks it out', async () => {
    const adminA = new ApiClient(a.url);
    let adminB = new ApiClient(b.url);
    assert.equal((await adminA.login('admin', ADMIN_PASSWORD)).status, 200);
    assert.equal((await adminB.login('admin', ADMIN_PASSWORD)).status, 200);
    const token = await adminA.create('/api/v1/join-tokens', { siteId: hall.siteId });
    const agent = await AgentProcess.start(a.url, { joinToken: token.token });
    try {
      const terminalId = await agent.terminalId();
      const online = async () => (await adminB.get(`/api/v1/terminals/${terminalId}`)).body.online === true;
      await eventually(online);
      // B starts again while the agent beats on A: B must not declare it offline after 3.5 missed beats of its own
      const cookie = [...adminA.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const feed = new WebSocket(`${a.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie } });
      const changes: boolean[] = [];
      feed.on('message', (raw) => {
        const event = JSON.parse(String(raw));
        if (event.type === 'terminal.changed' && event.data.id === terminalId) changes.push(event.data.online);
      });
      await new Promise((resolve) => feed.once('open', resolve));
      await b.stop();
      b = await startBrokerProcess(env);
      adminB = new ApiClient(b.url);
      assert.equal((await adminB.login('admin', ADMIN_PASSWORD)).status, 200);
      // B tracks the terminal its previous run left online; once quiet there (3.5 beats + flush slack)
      // B finds A's newer beats and forgets it: the moment B would have declared it offline
      await eventually(async () => (await metric(b, 'yunzhuo_presence_alive_elsewhere')) >= 1, { timeoutMs: 15_000 });
      assert.equal(await online(), true, 'still online: its beats are written by A');
      assert.deepEqual(changes, [], 'no broker declared it offline, not even for a moment');
      feed.close();

      const res = await adminB.post(`/api/v1/terminals/${terminalId}/commands`, { command: { type: 'lock' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.ok, true);
      await eventually(() => agent.records().some((r) => r.action === 'screen.lock'));

      assert.equal((await adminB.post(`/api/v1/terminals/${terminalId}/revoke`)).status, 200);
      await eventually(async () => (await adminA.get(`/api/v1/terminals/${terminalId}`)).body.online === false);
      const gone = await adminB.post(`/api/v1/terminals/${terminalId}/commands`, { command: { type: 'unlock' } });
      assert.equal(gone.body.error?.code, 'TERMINAL_OFFLINE', JSON.stringify(gone.body));
    } finally {
      await agent.dispose();
    }
  });

  // last: it leaves this machine's address refused on both brokers for the rest of the window
  it('refused enrollments count on every broker: 20 on A and 10 on B stop both answering that address', async () => {
    const enroll = async (base: string, i: number) => {
      const res = await fetch(`${base}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ joinToken: `guessed-token-${i}`, hardwareId: `hw-${i}`, name: `guess ${i}` }),
      });
      return ((await res.json()) as { error: { code: string } }).error.code;
    };
    // the limit is 30 refusals per address in 10 minutes
    await acrossTheBus(b, 'enroll.refused.add', 20, async () => {
      for (let i = 0; i < 20; i++) assert.match(await enroll(a.url, i), /^JOIN_TOKEN_/);
    });
    await acrossTheBus(a, 'enroll.refused.add', 10, async () => {
      for (let i = 20; i < 30; i++) assert.match(await enroll(b.url, i), /^JOIN_TOKEN_/, `refusal ${i + 1}, on B`);
    });
    assert.equal(await enroll(a.url, 30), 'TOO_MANY_ATTEMPTS', 'A counted the refusals made on B');
    assert.equal(await enroll(b.url, 31), 'TOO_MANY_ATTEMPTS');
  });

  it('wrong pad pairing codes count on every broker: 6 on A and 4 on B stop both answering that address', async () => {
    const pair = async (base: string, i: number) => {
      const res = await fetch(`${base}/api/v1/pad/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: String(40_000_000 + i) }),
      });
      return ((await res.json()) as { error: { code: string } }).error.code;
    };
    // the limit is 10 wrong codes per address in 10 minutes
    await acrossTheBus(b, 'pad.pairing.add', 6, async () => {
      for (let i = 0; i < 6; i++) assert.equal(await pair(a.url, i), 'PAD_PAIRING_INVALID');
    });
    await acrossTheBus(a, 'pad.pairing.add', 4, async () => {
      for (let i = 6; i < 10; i++) assert.equal(await pair(b.url, i), 'PAD_PAIRING_INVALID', `guess ${i + 1}, on B`);
    });
    assert.equal(await pair(a.url, 10), 'PAD_PAIRING_THROTTLED', 'A counted the guesses made on B');
    assert.equal(await pair(b.url, 11), 'PAD_PAIRING_THROTTLED');
  });

  it('no broker process printed a warning (pg: "client.query() when the client is already executing a query")', () => {
    for (const broker of [a, b]) assert.doesNotMatch(broker.stderr(), /Warning/, broker.stderr());
  });
});
