import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import { openDatabase } from '../../../broker/src/db/database.js';
import { initModels } from '../../../broker/src/db/models.js';
import { loadOrCreateSecretKey, SecretBox } from '../../../broker/src/lib/secret-box.js';
import { startBrokerProcess, type BrokerProcess } from '../../helpers/broker-process.js';
import { SEED_PASSWORD, seedHall, type SeededHall } from '../../helpers/bulk-seed.js';
import { createPgDatabase } from '../../helpers/test-database.js';

async function windowLogin(base: string, credential: string, username: string) {
  const res = await fetch(`${base}/api/v1/terminal/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Terminal ${credential}` },
    body: JSON.stringify({ username, password: SEED_PASSWORD }),
  });
  return { status: res.status, body: (await res.json()) as { session?: { id: string }; error?: { code: string } } };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`login races with two broker processes on ${dialect}`, function () {
    this.timeout(300_000);
    let dataDir: string;
    let dropDb: (() => Promise<void>) | undefined;
    let brokers: BrokerProcess[] = [];
    let sequelize: Sequelize;
    let hall: SeededHall;

    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'yz-race-'));
      let databaseUrl = `sqlite:${path.join(dataDir, 'yunzhuo.db')}`;
      if (dialect === 'postgres') {
        const db = await createPgDatabase();
        databaseUrl = db.url;
        dropDb = db.drop;
      }
      const env = {
        YUNZHUO_DATA_DIR: dataDir,
        YUNZHUO_DATABASE_URL: databaseUrl,
        YUNZHUO_ADMIN_PASSWORD: 'admin-pass-1234',
        // these logins never open a tunnel: on a slow machine a burst outlasts the reconciler's
        // 120 s limit for a connecting session, which then rightly frees desktops mid-race
        YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600',
      };
      brokers.push(await startBrokerProcess(env));
      brokers.push(await startBrokerProcess(env));
      sequelize = openDatabase(databaseUrl);
      initModels(sequelize);
      hall = await seedHall(sequelize, new SecretBox(loadOrCreateSecretKey(dataDir)), { clerks: 501, desktops: 200, windows: 10 });
    });

    after(async () => {
      await Promise.all(brokers.map((b) => b.stop()));
      brokers = [];
      await sequelize?.close();
      await dropDb?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('500 clerks racing for 200 desktops: exactly 200 sessions, 300 POOL_EXHAUSTED, no desktop twice', async () => {
      const results = await Promise.all(
        hall.usernames.slice(0, 500).map((u, i) => windowLogin(brokers[i % 2]!.url, hall.terminals[i % hall.terminals.length]!, u)),
      );
      const ok = results.filter((r) => r.status === 201);
      const exhausted = results.filter((r) => r.body.error?.code === 'POOL_EXHAUSTED');
      assert.equal(ok.length, 200, JSON.stringify(results.filter((r) => r.status !== 201 && r.body.error?.code !== 'POOL_EXHAUSTED').slice(0, 3)));
      assert.equal(exhausted.length, 300);
      const [row] = await sequelize.query<{ live: number; desktops: number }>(
        `SELECT COUNT(*) AS live, COUNT(DISTINCT desktop_id) AS desktops FROM sessions WHERE state <> 'ended'`,
        { type: QueryTypes.SELECT },
      );
      assert.equal(Number(row!.live), 200);
      assert.equal(Number(row!.desktops), 200);
      const doubled = await sequelize.query(
        `SELECT d.id FROM desktops d JOIN sessions s ON s.desktop_id = d.id AND s.state <> 'ended' WHERE d.session_id IS NULL OR d.session_id <> s.id`,
        { type: QueryTypes.SELECT },
      );
      assert.deepEqual(doubled, []);
      // 最近登录 is written for every clerk who got a desktop (grouped), for no one refused
      const [stamped] = await sequelize.query<{ winners: number; stamped: number; others: number }>(
        `SELECT
           COUNT(DISTINCT s.account_id) AS winners,
           COUNT(DISTINCT CASE WHEN a.last_login_at IS NOT NULL THEN s.account_id END) AS stamped,
           (SELECT COUNT(*) FROM accounts o WHERE o.last_login_at IS NOT NULL AND o.username <> 'admin'
              AND o.id NOT IN (SELECT account_id FROM sessions WHERE state <> 'ended')) AS others
         FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.state <> 'ended'`,
        { type: QueryTypes.SELECT },
      );
      assert.deepEqual([Number(stamped!.winners), Number(stamped!.stamped), Number(stamped!.others)], [200, 200, 0]);
    });

    it('50 concurrent logins of the same clerk give exactly one session', async () => {
      await sequelize.query(`UPDATE desktops SET state = 'free', session_id = NULL`);
      await sequelize.query(`UPDATE sessions SET state = 'ended', live_key = NULL`);
      const clerk = hall.usernames[500]!;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => windowLogin(brokers[i % 2]!.url, hall.terminals[i % hall.terminals.length]!, clerk)),
      );
      assert.deepEqual(
        results.filter((r) => r.status !== 201),
        [],
      );
      assert.equal(new Set(results.map((r) => r.body.session!.id)).size, 1);
      const [row] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM desktops WHERE session_id IS NOT NULL`, { type: QueryTypes.SELECT });
      assert.equal(Number(row!.n), 1, 'every losing attempt gave its desktop back');
    });
  });
}
