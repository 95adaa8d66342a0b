import assert from 'node:assert/strict';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createMigrator } from '../../../broker/src/db/migrator.js';
import { openEmptyDatabase } from '../../helpers/test-database.js';

async function insertAccount(sequelize: Sequelize, id: string, username: string): Promise<void> {
  await sequelize.query(
    `INSERT INTO accounts (id, username, display_name, password_hash, roles, disabled, locked, created_at, updated_at)
     VALUES (:id, :username, 'x', 'x', '["clerk"]', false, false, :now, :now)`,
    { replacements: { id, username, now: new Date() } },
  );
}

const keys = (sequelize: Sequelize) =>
  sequelize.query<{ username: string; username_key: string }>('SELECT username, username_key FROM accounts ORDER BY username', { type: QueryTypes.SELECT });

/** 0007-name-keys on rows that already exist: filled in, unique, and a clash stops it with the names. */
for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`migration 0007-name-keys on ${dialect}`, () => {
    let sequelize: Sequelize;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ sequelize, close: cleanup } = await openEmptyDatabase(dialect));
      await createMigrator(sequelize).up({ to: '0006-pool-devices' });
    });
    afterEach(async () => {
      await cleanup();
    });

    it('fills each key (NFKC, case-folded), then refuses a second account with the same key; down removes the column', async () => {
      await insertAccount(sequelize, 'a1', 'Zhang.San');
      await insertAccount(sequelize, 'a2', 'ｌｉ４');
      await createMigrator(sequelize).up();
      assert.deepEqual(await keys(sequelize), [
        { username: 'Zhang.San', username_key: 'zhang.san' },
        { username: 'ｌｉ４', username_key: 'li4' },
      ]);
      await assert.rejects(
        sequelize.query(
          `INSERT INTO accounts (id, username, username_key, display_name, password_hash, roles, disabled, locked, created_at, updated_at)
        VALUES ('a3', 'ZHANG.SAN', 'zhang.san', 'x', 'x', '["clerk"]', false, false, :now, :now)`,
          { replacements: { now: new Date() } },
        ),
        { name: 'SequelizeUniqueConstraintError' },
      );

      await createMigrator(sequelize).down({ to: '0006-pool-devices' });
      const columns = Object.keys(await sequelize.getQueryInterface().describeTable('accounts'));
      assert.equal(columns.includes('username_key'), false);
      assert.equal(columns.includes('username'), true);
      assert.equal(await keys(sequelize).catch(() => null), null, 'the column is gone');
    });

    it('window codes are keyed per site: A-001 and a-001 may not share a site', async () => {
      const now = new Date();
      for (const [id, code] of [
        ['s1', 'COUNTY'],
        ['s2', 'town'],
      ]) {
        await sequelize.query(`INSERT INTO sites (id, code, name, kind, path, created_at, updated_at) VALUES (:id, :code, 'x', 'county', :path, :now, :now)`, {
          replacements: { id, code, path: `/${id}/`, now },
        });
      }
      const insertWindow = (id: string, siteId: string, code: string) =>
        sequelize.query(`INSERT INTO windows (id, site_id, code, created_at, updated_at) VALUES (:id, :siteId, :code, :now, :now)`, {
          replacements: { id, siteId, code, now },
        });
      await insertWindow('w1', 's1', 'A-001');
      await insertWindow('w2', 's2', 'a-001');
      await createMigrator(sequelize).up();
      const rows = await sequelize.query<{ code_key: string }>('SELECT code_key FROM windows ORDER BY id', { type: QueryTypes.SELECT });
      assert.deepEqual(
        rows.map((r) => r.code_key),
        ['a-001', 'a-001'],
      );
      await assert.rejects(
        sequelize.query(`INSERT INTO windows (id, site_id, code, code_key, created_at, updated_at) VALUES ('w3', 's1', 'a-001', 'a-001', :now, :now)`, {
          replacements: { now },
        }),
        { name: 'SequelizeUniqueConstraintError' },
      );
      const sites = await sequelize.query<{ code_key: string }>('SELECT code_key FROM sites ORDER BY id', { type: QueryTypes.SELECT });
      assert.deepEqual(
        sites.map((r) => r.code_key),
        ['county', 'town'],
      );
    });

    it('accounts that differ only by case or width stop the migration with their names', async () => {
      await insertAccount(sequelize, 'a1', 'admin');
      await insertAccount(sequelize, 'a2', 'ＡＤＭＩＮ');
      await assert.rejects(createMigrator(sequelize).up(), /请先改名.*admin = ＡＤＭＩＮ|ＡＤＭＩＮ = admin/);
    });
  });
}
