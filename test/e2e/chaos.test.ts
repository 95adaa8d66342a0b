// Chaos: 50 clerks work through the relay (fake guacd) on a broker child process; the broker is
// SIGKILLed and restarted. Within one reconciler period nothing may be left in a state that does
// not resolve by itself, and every clerk gets the same desktop back by logging in again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import { WebSocket } from 'ws';
import { AuditEvent } from '../../broker/src/audit/audit-event.model.js';
import { openDatabase } from '../../broker/src/db/database.js';
import { initModels } from '../../broker/src/db/models.js';
import { Gateway } from '../../broker/src/gateways/gateway.model.js';
import { loadOrCreateSecretKey, SecretBox } from '../../broker/src/lib/secret-box.js';
import { startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.js';
import { SEED_PASSWORD, seedHall, type SeededHall } from '../helpers/bulk-seed.js';
import { eventually } from '../helpers/eventually.js';
import { FakeGuacd } from '../helpers/fake-guacd.js';
import { createPgDatabase, testDialect } from '../helpers/test-database.js';

const CLERKS = 50;
const PERIOD_SECONDS = 3;

interface Login {
  status: number;
  body: { session?: { id: string; reconnected: boolean }; tunnel?: { token: string }; error?: { code: string } };
}

async function windowLogin(base: string, credential: string, username: string): Promise<Login> {
  const res = await fetch(`${base}/api/v1/terminal/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Terminal ${credential}` },
    body: JSON.stringify({ username, password: SEED_PASSWORD }),
  });
  return { status: res.status, body: (await res.json()) as Login['body'] };
}

function openTunnel(base: string, token: string): WebSocket {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/tunnel?token=${encodeURIComponent(token)}&width=1280&height=720`, 'guacamole');
  ws.on('error', () => undefined); // the broker dies under it: that is the point
  return ws;
}

describe(`chaos: SIGKILL the broker under ${CLERKS} live sessions (${testDialect()})`, function () {
  this.timeout(300_000);
  let dataDir: string;
  let dropDb: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  let broker: BrokerProcess | null = null;
  let sequelize: Sequelize;
  let guacd: FakeGuacd;
  let hall: SeededHall;
  const sockets: WebSocket[] = [];

  const rows = <T extends object>(query: string) => sequelize.query<T>(query, { type: QueryTypes.SELECT });
  const sessionStates = async () =>
    Object.fromEntries(
      (await rows<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM sessions GROUP BY state')).map((r) => [r.state, Number(r.n)]),
    );
  const loginAll = () => Promise.all(hall.usernames.map((u, i) => windowLogin(broker!.url, hall.terminals[i]!, u)));

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'yz-chaos-'));
    let databaseUrl = `sqlite:${path.join(dataDir, 'yunzhuo.db')}`;
    if (testDialect() === 'postgres') {
      const db = await createPgDatabase();
      databaseUrl = db.url;
      dropDb = db.drop;
    }
    env = {
      YUNZHUO_DATA_DIR: dataDir,
      YUNZHUO_DATABASE_URL: databaseUrl,
      YUNZHUO_ADMIN_PASSWORD: 'admin-pass-1234',
      YUNZHUO_RECONCILE_INTERVAL_SECONDS: String(PERIOD_SECONDS),
    };
    broker = await startBrokerProcess(env);
    sequelize = openDatabase(databaseUrl);
    initModels(sequelize);
    guacd = await FakeGuacd.start();
    hall = await seedHall(sequelize, new SecretBox(loadOrCreateSecretKey(dataDir)), { clerks: CLERKS, desktops: CLERKS, windows: CLERKS });
    await Gateway.update({ port: guacd.port }, { where: {} });
  });

  after(async () => {
    for (const ws of sockets) ws.terminate();
    await broker?.stop();
    await guacd?.close();
    await sequelize?.close();
    await dropDb?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('after a SIGKILL and a restart everything resolves within one reconciler period; clerks get their desktops back', async () => {
    const first = await loginAll();
    assert.deepEqual(
      first.filter((r) => r.status !== 201),
      [],
    );
    for (const r of first) sockets.push(openTunnel(broker!.url, r.body.tunnel!.token));
    await eventually(async () => (await sessionStates()).active === CLERKS, { timeoutMs: 60_000, intervalMs: 200 });
    const before = new Map((await rows<{ id: string; desktop_id: string }>('SELECT id, desktop_id FROM sessions')).map((s) => [s.id, s.desktop_id]));
    assert.equal(new Set(before.values()).size, CLERKS);

    await broker!.kill();
    const killedAt = Date.now();
    assert.equal((await sessionStates()).active, CLERKS, 'a killed broker leaves its sessions looking active');
    broker = await startBrokerProcess(env);
    const restartedAt = Date.now();

    // within one period of the restart, no session is stuck in a state only a tunnel could end
    await eventually(
      async () => {
        const states = await sessionStates();
        return states.disconnected === CLERKS && !states.active && !states.connecting && !states.requested;
      },
      { timeoutMs: PERIOD_SECONDS * 1000, intervalMs: 100 },
    );
    const repairs = await AuditEvent.findAll({ where: { action: 'reconciler.repair' } });
    assert.deepEqual(
      repairs.map((e) => e.details?.kind),
      Array(CLERKS).fill('broker-lost'),
      'each repair is audited with its reason',
    );
    assert.deepEqual(new Set(repairs.map((e) => e.targetId)), new Set(before.keys()));
    // every desktop is held by exactly its session; nothing is half-way
    const holders = await rows<{ id: string; state: string; session_id: string | null }>('SELECT id, state, session_id FROM desktops');
    assert.deepEqual(
      holders.filter((d) => d.state !== 'assigned'),
      [],
    );
    for (const [sessionId, desktopId] of before) assert.equal(holders.find((d) => d.id === desktopId)?.session_id, sessionId);

    // the clerks log in again at the same windows: same sessions, same desktops, working again
    const again = await loginAll();
    assert.deepEqual(
      again.filter((r) => r.status !== 201),
      [],
    );
    assert.ok(again.every((r) => r.body.session!.reconnected));
    assert.deepEqual(new Set(again.map((r) => r.body.session!.id)), new Set(before.keys()));
    for (const r of again) sockets.push(openTunnel(broker.url, r.body.tunnel!.token));
    await eventually(async () => (await sessionStates()).active === CLERKS, { timeoutMs: 60_000, intervalMs: 200 });
    const after = await rows<{ id: string; desktop_id: string }>(`SELECT id, desktop_id FROM sessions WHERE state = 'active'`);
    for (const s of after) assert.equal(s.desktop_id, before.get(s.id));
    process.stdout.write(`      (restart took ${restartedAt - killedAt} ms)\n`);
  });
});
