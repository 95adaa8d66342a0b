import { DataTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, INTEGER, BOOLEAN, DATE, TEXT, JSON: JSONB } = DataTypes;

/**
 * Desktop lifecycle: per-pool settings and warm-up calendar, SSH hosts (sealed keys) and pinned
 * host keys, the actions pools run at lifecycle points and the record of every run, holidays,
 * and the broker processes' heartbeats (sessions of a dead process are repaired).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('pool_lifecycle', {
    pool_id: fk('pools', { primaryKey: true, onDelete: 'CASCADE' }),
    probe_desktops: { type: BOOLEAN, allowNull: false, defaultValue: false },
    reset_timeout_seconds: { type: INTEGER, allowNull: false, defaultValue: 600 },
    start_timeout_seconds: { type: INTEGER, allowNull: false, defaultValue: 900 },
    // the calendar: { enabled, timeZone, days, readyBy, leadMinutes, desktops, maxConcurrentStarts } or NULL
    warmup: { type: JSONB, allowNull: true },
    ...timestamps(),
  });

  await qi.createTable('ssh_hosts', {
    id: id(),
    name: { type: STRING(200), allowNull: false },
    site_id: fk('sites', { allowNull: true }),
    host: { type: STRING(255), allowNull: false },
    port: { type: INTEGER, allowNull: false, defaultValue: 22 },
    username: { type: STRING(64), allowNull: false },
    private_key_enc: { type: TEXT, allowNull: false },
    ...timestamps(),
  });

  await qi.createTable('ssh_known_hosts', {
    id: id(),
    host: { type: STRING(255), allowNull: false },
    port: { type: INTEGER, allowNull: false },
    fingerprint: { type: STRING(64), allowNull: false },
    source: { type: STRING(16), allowNull: false },
    pinned_at: { type: DATE, allowNull: false },
  });
  // one pin per endpoint: two first uses racing cannot pin two keys
  await qi.addIndex('ssh_known_hosts', ['host', 'port'], { unique: true, name: 'ssh_known_hosts_endpoint' });

  await qi.createTable('pool_actions', {
    id: id(),
    pool_id: fk('pools', { onDelete: 'CASCADE' }),
    site_id: fk('sites'),
    point: { type: STRING(32), allowNull: false },
    ssh_host_id: fk('ssh_hosts'),
    run_on: { type: STRING(16), allowNull: false, defaultValue: 'ssh-host' },
    command: { type: TEXT, allowNull: false },
    timeout_seconds: { type: INTEGER, allowNull: false, defaultValue: 120 },
    enabled: { type: BOOLEAN, allowNull: false, defaultValue: true },
    ...timestamps(),
  });
  await qi.addIndex('pool_actions', ['pool_id', 'point'], { unique: true, name: 'pool_actions_pool_point' });

  await qi.createTable('action_runs', {
    id: id(),
    action_id: fk('pool_actions', { allowNull: true, onDelete: 'SET NULL' }),
    pool_id: { type: STRING(36), allowNull: false },
    desktop_id: { type: STRING(36), allowNull: false },
    session_id: { type: STRING(36), allowNull: true },
    site_id: { type: STRING(36), allowNull: true },
    point: { type: STRING(32), allowNull: false },
    host: { type: STRING(255), allowNull: false },
    port: { type: INTEGER, allowNull: false },
    // the template, never the rendered command: a one-time password must not be kept
    command: { type: TEXT, allowNull: false },
    outcome: { type: STRING(16), allowNull: false },
    exit_code: { type: INTEGER, allowNull: true },
    signal: { type: STRING(32), allowNull: true },
    stdout: { type: TEXT, allowNull: false },
    stderr: { type: TEXT, allowNull: false },
    error: { type: STRING(1000), allowNull: true },
    duration_ms: { type: INTEGER, allowNull: false },
    started_at: { type: DATE, allowNull: false },
    finished_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('action_runs', ['desktop_id', 'started_at']);
  await qi.addIndex('action_runs', ['session_id']);

  await qi.createTable('calendar_days', {
    date: { type: STRING(10), primaryKey: true },
    kind: { type: STRING(16), allowNull: false },
    label: { type: STRING(100), allowNull: true },
  });

  await qi.createTable('broker_instances', {
    id: { type: STRING(36), primaryKey: true },
    // hostname plus pid namespace: a process on the same machine can be checked for life by pid
    machine: { type: STRING(255), allowNull: false },
    pid: { type: INTEGER, allowNull: false },
    started_at: { type: DATE, allowNull: false },
    heartbeat_at: { type: DATE, allowNull: false },
    heartbeat_ms: { type: INTEGER, allowNull: false },
    stopped_at: { type: DATE, allowNull: true },
  });
  await qi.addIndex('sessions', ['broker_instance'], { name: 'sessions_broker_instance' });
  await qi.addIndex('desktops', ['state', 'state_changed_at'], { name: 'desktops_state_changed' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('desktops', 'desktops_state_changed');
  await qi.removeIndex('sessions', 'sessions_broker_instance');
  for (const table of ['broker_instances', 'calendar_days', 'action_runs', 'pool_actions', 'ssh_known_hosts', 'ssh_hosts', 'pool_lifecycle']) {
    await qi.dropTable(table);
  }
}
