import { DataTypes, type QueryInterface } from 'sequelize';
import { id, fk, timestamps } from './columns.js';

const { STRING, INTEGER, BOOLEAN, DATE, JSON: JSONB, TEXT } = DataTypes;

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('sites', {
    id: id(),
    parent_id: fk('sites', { allowNull: true, onDelete: 'RESTRICT' }),
    path: { type: STRING(1024), allowNull: false },
    code: { type: STRING(64), allowNull: false, unique: true },
    name: { type: STRING(200), allowNull: false },
    kind: { type: STRING(16), allowNull: false, defaultValue: 'county' },
    address: { type: STRING(500), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('sites', ['path']);

  await qi.createTable('departments', {
    id: id(),
    code: { type: STRING(64), allowNull: false, unique: true },
    name: { type: STRING(200), allowNull: false },
    site_id: fk('sites', { allowNull: true }),
    ...timestamps(),
  });

  await qi.createTable('windows', {
    id: id(),
    site_id: fk('sites'),
    code: { type: STRING(32), allowNull: false },
    label: { type: STRING(200), allowNull: true },
    department_id: fk('departments', { allowNull: true, onDelete: 'SET NULL' }),
    area: { type: STRING(32), allowNull: true },
    pos_x: { type: INTEGER, allowNull: false, defaultValue: 0 },
    pos_y: { type: INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps(),
  });
  await qi.addIndex('windows', ['site_id', 'code'], { unique: true });

  await qi.createTable('terminals', {
    id: id(),
    site_id: fk('sites'),
    window_id: fk('windows', { allowNull: true, onDelete: 'SET NULL' }),
    name: { type: STRING(200), allowNull: false },
    hardware_id: { type: STRING(200), allowNull: true },
    state: { type: STRING(16), allowNull: false, defaultValue: 'active' },
    online: { type: BOOLEAN, allowNull: false, defaultValue: false },
    last_seen_at: { type: DATE, allowNull: true },
    agent_version: { type: STRING(64), allowNull: true },
    address: { type: STRING(100), allowNull: true },
    secret_hash: { type: STRING(128), allowNull: true },
    info: { type: JSONB, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('terminals', ['site_id']);
  await qi.addIndex('terminals', ['window_id']);

  await qi.createTable('accounts', {
    id: id(),
    username: { type: STRING(64), allowNull: false, unique: true },
    display_name: { type: STRING(200), allowNull: false },
    password_hash: { type: STRING(300), allowNull: false },
    home_site_id: fk('sites', { allowNull: true }),
    roles: { type: JSONB, allowNull: false },
    disabled: { type: BOOLEAN, allowNull: false, defaultValue: false },
    locked: { type: BOOLEAN, allowNull: false, defaultValue: false },
    last_login_at: { type: DATE, allowNull: true },
    ...timestamps(),
  });

  await qi.createTable('account_departments', {
    account_id: fk('accounts', { primaryKey: true, onDelete: 'CASCADE' }),
    department_id: fk('departments', { primaryKey: true, onDelete: 'CASCADE' }),
  });

  await qi.createTable('gateways', {
    id: id(),
    name: { type: STRING(200), allowNull: false },
    site_id: fk('sites', { allowNull: true }),
    host: { type: STRING(255), allowNull: false },
    port: { type: INTEGER, allowNull: false, defaultValue: 4822 },
    health: { type: STRING(16), allowNull: false, defaultValue: 'unknown' },
    last_checked_at: { type: DATE, allowNull: true },
    ...timestamps(),
  });

  await qi.createTable('pools', {
    id: id(),
    name: { type: STRING(200), allowNull: false },
    department_id: fk('departments'),
    site_id: fk('sites'),
    kind: { type: STRING(16), allowNull: false, defaultValue: 'floating' },
    state: { type: STRING(16), allowNull: false, defaultValue: 'active' },
    settings: { type: JSONB, allowNull: false },
    grace_seconds: { type: INTEGER, allowNull: false, defaultValue: 900 },
    idle_seconds: { type: INTEGER, allowNull: false, defaultValue: 0 },
    max_sessions: { type: INTEGER, allowNull: true },
    allow_other_sites: { type: BOOLEAN, allowNull: false, defaultValue: true },
    ...timestamps(),
  });

  await qi.createTable('pool_gateways', {
    pool_id: fk('pools', { primaryKey: true, onDelete: 'CASCADE' }),
    gateway_id: fk('gateways', { primaryKey: true }),
    priority: { type: INTEGER, allowNull: false, defaultValue: 0 },
  });

  await qi.createTable('account_pools', {
    account_id: fk('accounts', { primaryKey: true, onDelete: 'CASCADE' }),
    pool_id: fk('pools', { primaryKey: true, onDelete: 'CASCADE' }),
  });

  await qi.createTable('desktops', {
    id: id(),
    pool_id: fk('pools'),
    site_id: fk('sites'),
    name: { type: STRING(200), allowNull: false },
    host: { type: STRING(255), allowNull: false },
    port: { type: INTEGER, allowNull: false, defaultValue: 3389 },
    rdp_username: { type: STRING(200), allowNull: false },
    rdp_password_enc: { type: TEXT, allowNull: false },
    state: { type: STRING(16), allowNull: false, defaultValue: 'free' },
    health: { type: STRING(16), allowNull: false, defaultValue: 'unknown' },
    drain: { type: BOOLEAN, allowNull: false, defaultValue: false },
    owner_account_id: fk('accounts', { allowNull: true, onDelete: 'SET NULL' }),
    session_id: { type: STRING(36), allowNull: true },
    state_reason: { type: STRING(500), allowNull: true },
    state_changed_at: { type: DATE, allowNull: true },
    last_released_at: { type: DATE, allowNull: true },
    last_checked_at: { type: DATE, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('desktops', ['pool_id', 'state']);
  await qi.addIndex('desktops', ['owner_account_id']);

  await qi.createTable('sessions', {
    id: id(),
    account_id: fk('accounts'),
    pool_id: fk('pools'),
    desktop_id: fk('desktops', { allowNull: true }),
    terminal_id: fk('terminals', { allowNull: true, onDelete: 'SET NULL' }),
    window_id: fk('windows', { allowNull: true, onDelete: 'SET NULL' }),
    site_id: fk('sites', { allowNull: true }),
    department_id: fk('departments', { allowNull: true }),
    gateway_id: fk('gateways', { allowNull: true, onDelete: 'SET NULL' }),
    state: { type: STRING(16), allowNull: false },
    end_reason: { type: STRING(64), allowNull: true },
    // `<account>:<pool>` while the session is not ended, NULL after: a unique index on it
    // makes "one live session per clerk and pool" hold under any concurrency.
    live_key: { type: STRING(80), allowNull: true, unique: true },
    requested_at: { type: DATE, allowNull: false },
    connecting_at: { type: DATE, allowNull: true },
    active_at: { type: DATE, allowNull: true },
    disconnected_at: { type: DATE, allowNull: true },
    ended_at: { type: DATE, allowNull: true },
    last_activity_at: { type: DATE, allowNull: true },
    recording_path: { type: STRING(1024), allowNull: true },
    guac_connection_id: { type: STRING(64), allowNull: true },
    broker_instance: { type: STRING(64), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('sessions', ['state']);
  await qi.addIndex('sessions', ['account_id']);
  await qi.addIndex('sessions', ['site_id', 'requested_at']);

  await qi.createTable('tunnel_tokens', {
    token_hash: { type: STRING(64), primaryKey: true },
    session_id: fk('sessions', { onDelete: 'CASCADE' }),
    terminal_id: { type: STRING(36), allowNull: true },
    expires_at: { type: DATE, allowNull: false },
    used_at: { type: DATE, allowNull: true },
  });

  await qi.createTable('admin_sessions', {
    token_hash: { type: STRING(64), primaryKey: true },
    account_id: fk('accounts', { onDelete: 'CASCADE' }),
    csrf_token: { type: STRING(64), allowNull: false },
    expires_at: { type: DATE, allowNull: false },
    address: { type: STRING(100), allowNull: true },
    created_at: { type: DATE, allowNull: false },
  });

  await qi.createTable('audit_events', {
    id: { type: INTEGER, primaryKey: true, autoIncrement: true },
    at: { type: DATE, allowNull: false },
    actor_id: { type: STRING(36), allowNull: true },
    actor_name: { type: STRING(200), allowNull: true },
    action: { type: STRING(64), allowNull: false },
    target_type: { type: STRING(32), allowNull: true },
    target_id: { type: STRING(64), allowNull: true },
    site_id: { type: STRING(36), allowNull: true },
    address: { type: STRING(100), allowNull: true },
    before: { type: JSONB, allowNull: true },
    after: { type: JSONB, allowNull: true },
    details: { type: JSONB, allowNull: true },
  });
  await qi.addIndex('audit_events', ['at']);
  await qi.addIndex('audit_events', ['target_type', 'target_id']);
  await appendOnly(qi, 'audit_events');
}

/** The audit log is append-only in the database itself, not only in our code. */
async function appendOnly(qi: QueryInterface, table: string): Promise<void> {
  const sql = qi.sequelize;
  if (sql.getDialect() === 'postgres') {
    await sql.query(`CREATE OR REPLACE FUNCTION yz_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql`);
    await sql.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION yz_append_only()`);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql.query(`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table}
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`);
    }
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of [
    'audit_events',
    'admin_sessions',
    'tunnel_tokens',
    'sessions',
    'desktops',
    'account_pools',
    'pool_gateways',
    'pools',
    'gateways',
    'account_departments',
    'accounts',
    'terminals',
    'windows',
    'departments',
    'sites',
  ]) {
    await qi.dropTable(table);
  }
  if (qi.sequelize.getDialect() === 'postgres') await qi.sequelize.query('DROP FUNCTION IF EXISTS yz_append_only()');
}
