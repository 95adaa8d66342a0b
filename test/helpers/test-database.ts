import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { openDatabase } from '../../broker/src/db/database.js';
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

/** An empty database of either dialect (no migrations run), opened; `close` closes and removes it. */
export async function openEmptyDatabase(dialect: 'sqlite' | 'postgres'): Promise<{ sequelize: Sequelize; close(): Promise<void> }> {
  if (dialect === 'postgres') {
    const db = await createPgDatabase();
    const sequelize = openDatabase(db.url);
    return {
      sequelize,
      close: async () => {
        await sequelize.close();
        await db.drop();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'yz-migrate-'));
  const sequelize = openDatabase(`sqlite:${path.join(dir, 'yunzhuo.db')}`);
  return {
    sequelize,
    close: async () => {
      await sequelize.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
