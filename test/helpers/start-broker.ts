import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../broker/src/config/load-config.js';
import type { Clock } from '../../broker/src/lib/clock.js';
import type { Logger } from '../../broker/src/lib/logger.js';
import { startBroker, type RunningBroker } from '../../broker/src/server.js';
import { systemClock } from '../../broker/src/lib/clock.js';
import { ApiClient } from './api-client.js';
import { enrollTotp } from './totp.js';
import { createPgDatabase, testDialect } from './test-database.js';

export const ADMIN_PASSWORD = 'admin-pass-1234';

export interface TestBroker extends RunningBroker {
  dataDir: string;
  databaseUrl: string;
  /** a signed-in console client for `admin` */
  admin: ApiClient;
  /** `admin`'s TOTP secret (base32) when the test's policy made it enroll */
  adminTotpSecret: string | null;
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
    // TOTP policy off unless a test names it (then `admin` enrolls below)
    YUNZHUO_TOTP_REQUIRED_ROLES: 'none',
    ...(pgdb ? { YUNZHUO_DATABASE_URL: pgdb.url } : {}),
    ...opts.env,
  });
  const broker = await startBroker({ config, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.logger ? { logger: opts.logger } : {}) });
  const admin = new ApiClient(broker.url);
  const login = await admin.login('admin', ADMIN_PASSWORD);
  const adminTotpSecret = login.body?.restriction === 'TOTP_ENROLLMENT_REQUIRED' ? await enrollTotp(admin, opts.clock ?? systemClock) : null;
  return {
    ...broker,
    adminTotpSecret,
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
