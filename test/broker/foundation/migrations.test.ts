import assert from 'node:assert/strict';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createMigrator } from '../../../broker/src/db/migrator.js';
import { migrations } from '../../../broker/migrations/index.js';
import { openEmptyDatabase } from '../../helpers/test-database.js';

/** the tables of the first migration; later migrations add more, which the test takes as they come */
const CORE_TABLES = [
  'sites',
  'departments',
  'windows',
  'terminals',
  'accounts',
  'account_departments',
  'gateways',
  'pools',
  'pool_gateways',
  'account_pools',
  'desktops',
  'sessions',
  'tunnel_tokens',
  'admin_sessions',
  'audit_events',
];
/** umzug's own bookkeeping table survives `down`; everything else must go */
const STORAGE_TABLE = 'schema_migrations';

async function tables(sequelize: Sequelize): Promise<string[]> {
  const raw = (await sequelize.getQueryInterface().showAllTables()) as Array<string | { tableName: string }>;
  return raw
    .map((t) => (typeof t === 'string' ? t : t.tableName))
    .filter((t) => t !== 'sqlite_sequence')
    .sort();
}

async function insertAuditRow(sequelize: Sequelize, action: string): Promise<void> {
  await sequelize.query(`INSERT INTO audit_events (at, actor_name, action) VALUES (:at, 'tester', :action)`, {
    replacements: { at: new Date(), action },
  });
}

async function auditActions(sequelize: Sequelize): Promise<string[]> {
  const rows = await sequelize.query<{ action: string }>('SELECT action FROM audit_events ORDER BY id', { type: QueryTypes.SELECT });
  return rows.map((r) => r.action);
}

/** the database's own refusal; Sequelize wraps SQLite's RAISE(ABORT) as a constraint error, keeping the message in `original` */
function refusedAsAppendOnly(err: unknown): boolean {
  const e = err as { message?: string; original?: { message?: string } };
  return /append-only/.test(`${e.message ?? ''} ${e.original?.message ?? ''}`);
}

/** functions and enum types migrations left in PostgreSQL's public schema */
async function pgLeftovers(sequelize: Sequelize): Promise<string[]> {
  const rows = await sequelize.query<{ name: string }>(
    `SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
     UNION ALL SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'`,
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.name).sort();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`migrations on ${dialect}: up → down → up`, () => {
    let sequelize: Sequelize;
    let cleanup: () => Promise<void>;
    let firstUp: string[];

    before(async () => {
      ({ sequelize, close: cleanup } = await openEmptyDatabase(dialect));
    });
    after(async () => {
      await cleanup();
    });

    it('creates every app table on the first up', async () => {
      const done = await createMigrator(sequelize).up();
      assert.deepEqual(
        done.map((m) => m.name),
        migrations.map((m) => m.name),
      );
      firstUp = await tables(sequelize);
      for (const t of [...CORE_TABLES, STORAGE_TABLE]) assert.ok(firstUp.includes(t), `table ${t}`);
    });

    it('refuses UPDATE and DELETE on audit_events after the first up', async () => {
      await insertAuditRow(sequelize, 'first.up');
      await assert.rejects(sequelize.query(`UPDATE audit_events SET action = 'tampered'`), refusedAsAppendOnly);
      await assert.rejects(sequelize.query('DELETE FROM audit_events'), refusedAsAppendOnly);
      assert.deepEqual(await auditActions(sequelize), ['first.up']);
    });

    it('removes every app table (and, on PostgreSQL, every function and enum type) on down to 0', async () => {
      const undone = await createMigrator(sequelize).down({ to: 0 });
      assert.deepEqual(
        undone.map((m) => m.name),
        migrations.map((m) => m.name).reverse(),
      );
      assert.deepEqual(await tables(sequelize), [STORAGE_TABLE]);
      assert.deepEqual(await createMigrator(sequelize).executed(), []);
      if (dialect === 'postgres') assert.deepEqual(await pgLeftovers(sequelize), []);
    });

    it('runs every migration again on the second up, with an empty audit log', async () => {
      const done = await createMigrator(sequelize).up();
      assert.deepEqual(
        done.map((m) => m.name),
        migrations.map((m) => m.name),
      );
      assert.deepEqual(await createMigrator(sequelize).pending(), []);
      assert.deepEqual(await tables(sequelize), firstUp);
      assert.deepEqual(await auditActions(sequelize), []);
      if (dialect === 'postgres') assert.ok((await pgLeftovers(sequelize)).includes('yz_append_only'));
    });

    it('still refuses UPDATE and DELETE on audit_events after the second up', async () => {
      await insertAuditRow(sequelize, 'second.up');
      await assert.rejects(sequelize.query(`UPDATE audit_events SET action = 'tampered' WHERE action = 'second.up'`), refusedAsAppendOnly);
      await assert.rejects(sequelize.query(`DELETE FROM audit_events WHERE action = 'second.up'`), refusedAsAppendOnly);
      assert.deepEqual(await auditActions(sequelize), ['second.up']);
    });
  });
}
