import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.YUNZHUO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Which database the broker suite runs on: `YUNZHUO_TEST_DATABASE=postgres` switches it. */
export function testDialect(): 'sqlite' | 'postgres' {
  return process.env.YUNZHUO_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
}

/** A brand-new PostgreSQL database for one test broker, dropped by the returned function. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `yz_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const base = new URL(PG_ADMIN_URL);
  base.pathname = `/${name}`;
  return {
    url: base.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
