import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import { poolSettingsSchema } from '../../../protocol/src/api/common.js';
import { openDatabase } from '../../../broker/src/db/database.js';
import { createMigrator } from '../../../broker/src/db/migrator.js';
import { createPgDatabase, testDialect } from '../../helpers/test-database.js';

const BEFORE = '0005-lifecycle';
const OLD_SETTINGS = {
  security: 'any',
  ignoreCert: true,
  width: 1920,
  height: 1080,
  dpi: 96,
  colorDepth: 24,
  clipboard: 'none',
  fileTransfer: false,
  recording: false,
  audio: false,
  timezone: 'Asia/Shanghai',
};

async function settingsOf(sequelize: Sequelize, id: string): Promise<Record<string, unknown>> {
  const [row] = await sequelize.query<{ settings: string | Record<string, unknown> }>('SELECT settings FROM pools WHERE id = :id', {
    replacements: { id },
    type: QueryTypes.SELECT,
  });
  assert.ok(row, `pool ${id}`);
  return typeof row.settings === 'string' ? (JSON.parse(row.settings) as Record<string, unknown>) : row.settings;
}

describe(`migration 0006-pool-devices (${testDialect()})`, () => {
  let sequelize: Sequelize;
  let cleanup: () => Promise<void>;

  before(async () => {
    if (testDialect() === 'postgres') {
      const db = await createPgDatabase();
      sequelize = openDatabase(db.url);
      cleanup = () => db.drop();
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'yz-devices-'));
      sequelize = openDatabase(`sqlite:${path.join(dir, 'yunzhuo.db')}`);
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    await createMigrator(sequelize).up({ to: BEFORE });
    const now = new Date();
    const stamp = { created_at: now, updated_at: now };
    const qi = sequelize.getQueryInterface();
    await qi.bulkInsert('sites', [{ id: 's1', path: '/s1', code: 'HT', name: '桓台县', kind: 'county', ...stamp }]);
    await qi.bulkInsert('departments', [{ id: 'd1', code: 'TAX', name: '税务', site_id: 's1', ...stamp }]);
    await sequelize.query(
      `INSERT INTO pools (id, name, department_id, site_id, kind, state, settings, grace_seconds, idle_seconds, allow_other_sites, created_at, updated_at)
       VALUES ('p1', '税务池', 'd1', 's1', 'floating', 'active', :settings, 900, 0, :yes, :now, :now)`,
      { replacements: { settings: JSON.stringify(OLD_SETTINGS), now, yes: true } },
    );
  });
  after(async () => {
    await sequelize.close();
    await cleanup();
  });

  it('gives a pool made before it an empty device list, which the pool schema reads as is', async () => {
    await createMigrator(sequelize).up();
    const settings = await settingsOf(sequelize, 'p1');
    assert.deepEqual(settings.devices, []);
    assert.deepEqual(poolSettingsSchema.parse(settings), { ...OLD_SETTINGS, devices: [] });
  });

  it('takes the key away on down and gives it back on up, keeping every other setting', async () => {
    await createMigrator(sequelize).down({ to: '0006-pool-devices' });
    assert.deepEqual(await settingsOf(sequelize, 'p1'), OLD_SETTINGS);
    await createMigrator(sequelize).up();
    assert.deepEqual(await settingsOf(sequelize, 'p1'), { ...OLD_SETTINGS, devices: [] });
  });

  it('the pool schema refuses an unknown class and a class twice', () => {
    assert.equal(poolSettingsSchema.safeParse({ devices: ['idcard', 'camera'] }).success, true);
    assert.equal(poolSettingsSchema.safeParse({ devices: ['usb'] }).success, false);
    assert.equal(poolSettingsSchema.safeParse({ devices: ['idcard', 'idcard'] }).success, false);
  });
});
