import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { PgClusterBus, PING_EVERY_MS, PING_TIMEOUT_MS, RECONNECT_MS } from '../../../broker/src/lib/cluster-bus.js';
import { createLogger } from '../../../broker/src/lib/logger.js';
import { eventually } from '../../helpers/eventually.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { createPgDatabase } from '../../helpers/test-database.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('cluster bus on PostgreSQL', function () {
  this.timeout(60_000);

  it('sends a burst of NOTIFYs one query at a time: no pg "already executing a query" deprecation', async () => {
    const db = await createPgDatabase();
    try {
      const fixture = path.join(ROOT, 'test/broker/lib/cluster-bus-burst.fixture.ts');
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--trace-deprecation', fixture, db.url], { cwd: ROOT });
      assert.equal(stdout.trim(), 'published');
      assert.doesNotMatch(stderr, /DeprecationWarning/, stderr);
    } finally {
      await db.drop();
    }
  });

  it('a ping that is not back within PING_TIMEOUT_MS drops the connection; it is reopened after the backoff (manual clock)', async () => {
    const db = await createPgDatabase();
    const clock = new ManualClock();
    const bus = await PgClusterBus.open(db.url, 'ping-test', createLogger('silent'), clock);
    try {
      let reopened = 0;
      bus.onReconnect(() => reopened++);
      const busConnections = async () => {
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'yunzhuo-bus-ping-test'`);
        await admin.end();
        return rows.length;
      };
      assert.equal(await busConnections(), 1);
      // the ping goes out at PING_EVERY_MS; advancing on synchronously, its answer cannot arrive in between
      clock.advance(PING_EVERY_MS + PING_TIMEOUT_MS);
      await eventually(async () => (await busConnections()) === 0);
      // the first reconnect waits RECONNECT_MS[0] on the clock
      await eventually(() => {
        clock.advance(RECONNECT_MS[0]!);
        return reopened === 1;
      });
      assert.equal(await busConnections(), 1);
    } finally {
      await bus.close();
      await db.drop();
    }
  });

  it('a connection dropped for a missed ping is ended once, not again at every later ping before its end arrives', async () => {
    const db = await createPgDatabase();
    const clock = new ManualClock();
    const bus = await PgClusterBus.open(db.url, 'dropped-test', createLogger('silent'), clock);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      let reopened = 0;
      bus.onReconnect(() => reopened++);
      // 30 pings' worth in one go: the end of the first dropped connection cannot arrive in between
      clock.advance(30 * PING_EVERY_MS);
      await eventually(() => {
        clock.advance(RECONNECT_MS[0]!);
        return reopened === 1;
      });
      await new Promise((resolve) => setImmediate(resolve)); // a warning is emitted on the next tick
      assert.deepEqual(
        warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
        [],
      );
    } finally {
      process.off('warning', onWarning);
      await bus.close();
      await db.drop();
    }
  });
});
