import { DataTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, INTEGER, BLOB, BOOLEAN, DOUBLE } = DataTypes;

/**
 * Issue 17. The hall's floor plan: one image per site or per hall area (`area_name` '' for the
 * whole site, unique per site), kept in the database so every broker of a cluster serves it;
 * each window's place on it as fractions of the image (`plan_x`, `plan_y`, 0..1), so it scales.
 * The night power schedule of a site (or one area): power off and wake-on-LAN times on working
 * days or every day, with the local date each last ran, claimed by one conditional UPDATE.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('hall_plans', {
    id: id(),
    site_id: fk('sites', { onDelete: 'CASCADE' }),
    area_name: { type: STRING(32), allowNull: false, defaultValue: '' },
    content_type: { type: STRING(32), allowNull: false },
    image: { type: BLOB, allowNull: false },
    bytes: { type: INTEGER, allowNull: false },
    width: { type: INTEGER, allowNull: false },
    height: { type: INTEGER, allowNull: false },
    sha256: { type: STRING(64), allowNull: false },
    ...timestamps(),
  });
  await qi.addIndex('hall_plans', ['site_id', 'area_name'], { name: 'hall_plans_site_area', unique: true });
  await qi.addColumn('windows', 'plan_x', { type: DOUBLE, allowNull: true });
  await qi.addColumn('windows', 'plan_y', { type: DOUBLE, allowNull: true });
  await qi.createTable('power_schedules', {
    id: id(),
    site_id: fk('sites', { onDelete: 'CASCADE' }),
    area: { type: STRING(32), allowNull: true },
    enabled: { type: BOOLEAN, allowNull: false, defaultValue: true },
    days: { type: STRING(16), allowNull: false, defaultValue: 'working-days' },
    power_off_at: { type: STRING(5), allowNull: true },
    wake_at: { type: STRING(5), allowNull: true },
    last_power_off_on: { type: STRING(10), allowNull: true },
    last_wake_on: { type: STRING(10), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('power_schedules', ['site_id'], { name: 'power_schedules_site' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('power_schedules');
  // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
  await qi.sequelize.query('ALTER TABLE windows DROP COLUMN plan_y');
  await qi.sequelize.query('ALTER TABLE windows DROP COLUMN plan_x');
  await qi.dropTable('hall_plans');
}
