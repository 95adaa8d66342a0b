import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient } from '../../helpers/api-client.js';
import { startBrokerProcess, type BrokerProcess } from '../../helpers/broker-process.js';
import { Factory } from '../../helpers/factories.js';
import { ADMIN_PASSWORD } from '../../helpers/start-broker.js';
import { createPgDatabase } from '../../helpers/test-database.js';
import { TownNetns } from '../../helpers/town-netns.js';
import { ConnectorProcess, until } from './connector-harness.js';

/** the JSON lines of a broker process's log with this message */
function logged(broker: BrokerProcess, msg: string): Array<Record<string, unknown>> {
  return broker
    .stdout()
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Two broker processes on one PostgreSQL database: the connector learns both from the first
 * (discovery), holds a link to each, and a revocation on one broker cuts it on both at once.
 */
describe('yunzhuo-connector with two broker processes (PostgreSQL)', function () {
  this.timeout(180_000);
  let town: TownNetns;
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  let dataDir: string;
  let stateDir: string;
  let a: BrokerProcess;
  let b: BrokerProcess;
  let connector: ConnectorProcess;

  before(async () => {
    town = TownNetns.create();
    db = await createPgDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'yz-brokers-'));
    stateDir = mkdtempSync(path.join(tmpdir(), 'yz-connector-'));
    const env = {
      YUNZHUO_DATA_DIR: dataDir,
      YUNZHUO_DATABASE_URL: db.url,
      YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD,
      YUNZHUO_HOST: town.countyIp,
      YUNZHUO_CONNECTOR_URL: `http://${town.countyIp}:{port}`,
    };
    a = await startBrokerProcess(env, 60_000);
    b = await startBrokerProcess(env, 60_000);
  });

  after(async () => {
    town?.destroy();
    await a?.stop();
    await b?.stop();
    await db?.drop();
    for (const dir of [dataDir, stateDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('links to every broker it learns of, and a revocation on one broker cuts it on both', async () => {
    const urlA = `http://${town.countyIp}:${a.port}`;
    const urlB = `http://${town.countyIp}:${b.port}`;
    const admin = new ApiClient(urlA);
    await admin.login('admin', ADMIN_PASSWORD);
    const siteId = (await new Factory(admin).site({ kind: 'town', name: '西湖镇便民服务中心' })).id;
    const token = (await admin.post('/api/v1/join-tokens', { siteId })).body.token as string;
    connector = ConnectorProcess.start(town, {
      YUNZHUO_CONNECTOR_BROKER_URL: urlA,
      YUNZHUO_CONNECTOR_JOIN_TOKEN: token,
      YUNZHUO_CONNECTOR_STATE_DIR: stateDir,
      YUNZHUO_CONNECTOR_ALLOW: `${town.desktopIp}/32`,
    });
    // each broker logs the link when it sends its welcome, the connector when it has read it: both sides, for both brokers
    await until(() => {
      assert.equal(logged(a, 'connector linked').length, 1, connector.log);
      assert.equal(logged(b, 'connector linked').length, 1, connector.log);
      const linkedTo = connector
        .lines()
        .filter((l) => l.msg === 'linked to broker')
        .map((l) => l.url);
      assert.deepEqual(new Set(linkedTo), new Set([urlA, urlB]));
    }, 120_000);

    const [row] = (await admin.get('/api/v1/connectors')).body.items as Array<{ id: string }>;
    assert.equal((await admin.post(`/api/v1/connectors/${row!.id}/revoke`, {})).status, 200);
    // each broker process cuts its own link (B hears of it on the cluster bus), and the connector, refused by both, stops
    assert.equal(await connector.exited, 3);
    const refusedBy = connector
      .lines()
      .filter((l) => l.msg === 'the broker refused this connector')
      .map((l) => l.url);
    assert.deepEqual(new Set(refusedBy), new Set([urlA, urlB]));
    assert.equal(logged(b, 'connector cut')[0]?.reason, 'revoked');
    assert.equal(logged(a, 'connector cut')[0]?.reason, 'revoked');
  });
});
