import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import { QueueSimulator } from '../../../broker/demo/queue-simulator.js';
import { openDatabase } from '../../../broker/src/db/database.js';
import { initModels } from '../../../broker/src/db/models.js';
import { loadOrCreateSecretKey, SecretBox } from '../../../broker/src/lib/secret-box.js';
import { startBrokerProcess, type BrokerProcess } from '../../helpers/broker-process.js';
import { SEED_PASSWORD, seedHall, type SeededHall } from '../../helpers/bulk-seed.js';
import { createPgDatabase, testDialect } from '../../helpers/test-database.js';

const WINDOWS = 4;

async function post(base: string, credential: string, route: string, body: unknown) {
  const res = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Terminal ${credential}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** 暂停叫号 pressed at once on two brokers (each serialises a window's steps only within itself). */
describe(`暂停叫号 at one window through two broker processes at once (${testDialect()})`, function () {
  this.timeout(180_000);
  const sim = new QueueSimulator();
  let dataDir: string;
  let dropDb: (() => Promise<void>) | undefined;
  let brokers: BrokerProcess[] = [];
  let sequelize: Sequelize;
  let hall: SeededHall;

  before(async () => {
    await sim.listen();
    dataDir = mkdtempSync(path.join(tmpdir(), 'yz-pause-race-'));
    let databaseUrl = `sqlite:${path.join(dataDir, 'yunzhuo.db')}`;
    if (testDialect() === 'postgres') {
      const db = await createPgDatabase();
      databaseUrl = db.url;
      dropDb = db.drop;
    }
    const env = {
      YUNZHUO_DATA_DIR: dataDir,
      YUNZHUO_DATABASE_URL: databaseUrl,
      YUNZHUO_ADMIN_PASSWORD: 'admin-pass-1234',
      YUNZHUO_QUEUE_URL: sim.url,
      YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600',
    };
    brokers.push(await startBrokerProcess(env));
    brokers.push(await startBrokerProcess(env));
    sequelize = openDatabase(databaseUrl);
    initModels(sequelize);
    hall = await seedHall(sequelize, new SecretBox(loadOrCreateSecretKey(dataDir)), { clerks: WINDOWS, desktops: WINDOWS, windows: WINDOWS });
  });

  after(async () => {
    await Promise.all(brokers.map((b) => b.stop()));
    brokers = [];
    await sequelize?.close();
    await dropDb?.();
    rmSync(dataDir, { recursive: true, force: true });
    await sim.close();
  });

  it('both presses answer the one pause (no 409 CONFLICT), recorded and audited once per window', async () => {
    const [a, b] = brokers as [BrokerProcess, BrokerProcess];
    const seats = [];
    for (let w = 0; w < WINDOWS; w++) {
      const credential = hall.terminals[w]!;
      const login = await post(a.url, credential, '/api/v1/terminal/sessions', { username: hall.usernames[w], password: SEED_PASSWORD });
      assert.equal(login.status, 201, JSON.stringify(login.body));
      seats.push({ credential, sessionId: (login.body.session as { id: string }).id });
    }
    const presses = await Promise.all(
      seats.map(({ credential, sessionId }) =>
        Promise.all([a, b].map((broker) => post(broker.url, credential, '/api/v1/terminal/queue/pause', { sessionId }))),
      ),
    );
    for (const [onA, onB] of presses) {
      assert.equal(onA!.status, 200, JSON.stringify(onA!.body));
      assert.equal(onB!.status, 200, JSON.stringify(onB!.body));
      assert.deepEqual(onA!.body, onB!.body, 'the same pause');
    }
    const rows = await sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM queue_pauses GROUP BY window_id', { type: QueryTypes.SELECT });
    assert.deepEqual(
      rows.map((r) => Number(r.n)),
      Array<number>(WINDOWS).fill(1),
    );
    const [audited] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'queue.pause'`, { type: QueryTypes.SELECT });
    assert.equal(Number(audited!.n), WINDOWS);
  });
});
