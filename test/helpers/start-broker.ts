import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../broker/src/config/load-config.js';
import type { Clock } from '../../broker/src/lib/clock.js';
import type { Logger } from '../../broker/src/lib/logger.js';
import { startBroker, type RunningBroker } from '../../broker/src/server.js';
import { ApiClient } from './api-client.js';
import { createPgDatabase, testDialect } from './test-database.js';

export const ADMIN_PASSWORD = 'admin-pass-1234';

export interface TestBroker extends RunningBroker {
  dataDir: string;
  databaseUrl: string;
  /** a signed-in console client for `admin` */
  admin: ApiClient;
  stop(): Promise<void>;
}

/**
 * A real broker on 127.0.0.1 port 0 with a fresh data dir, on SQLite or (with
 * YUNZHUO_TEST_DATABASE=postgres) a fresh PostgreSQL database.
 */
/** `logger`: the broker logs there instead of nowhere (tests that read what it says) */
export async function startTestBroker(
  opts: { clock?: Clock; env?: Record<string, string>; dialect?: 'sqlite' | 'postgres'; logger?: Logger } = {},
): Promise<TestBroker> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yz-broker-'));
  const dialect = opts.dialect ?? testDialect();
  const pgdb = dialect === 'postgres' ? await createPgDatabase() : null;
  const config = loadConfig({
    YUNZHUO_PORT: '0',
    YUNZHUO_DATA_DIR: dataDir,
    YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD,
    YUNZHUO_LOG_LEVEL: 'silent',
    YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600',
    ...(pgdb ? { YUNZHUO_DATABASE_URL: pgdb.url } : {}),
    ...opts.env,
  });
  const broker = await startBroker({ config, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.logger ? { logger: opts.logger } : {}) });
  const admin = new ApiClient(broker.url);
  await admin.login('admin', ADMIN_PASSWORD);
  return {
    ...broker,
    dataDir,
    databaseUrl: config.databaseUrl,
    admin,
    async stop() {
      await broker.close();
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
