import { DataTypes, type QueryInterface } from 'sequelize';

const { STRING, INTEGER, DATE, TEXT } = DataTypes;

/**
 * Alerts (docs/ALERTS.md): one row per alert raised, kept after it clears (the history);
 * `open_key` (the subject, e.g. `gateway-down:<id>`, while open, else null) is unique, so every
 * broker process shares one open alert per subject. Each webhook message has a delivery row
 * (retried with backoff). The settings are one row the console edits.
 * Also issue 17 item 2: `sessions.recording_error` says why a recorded session has no recording.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('alerts', {
    id: { type: STRING(36), primaryKey: true, allowNull: false },
    kind: { type: STRING(32), allowNull: false },
    state: { type: STRING(16), allowNull: false },
    subject_type: { type: STRING(16), allowNull: false },
    subject_id: { type: STRING(36), allowNull: false },
    subject_name: { type: STRING(200), allowNull: false },
    open_key: { type: STRING(80), allowNull: true },
    site_id: { type: STRING(36), allowNull: true },
    facts: { type: TEXT, allowNull: false },
    raised_at: { type: DATE, allowNull: false },
    cleared_at: { type: DATE, allowNull: true },
    acknowledged_at: { type: DATE, allowNull: true },
    acknowledged_by: { type: STRING(36), allowNull: true },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('alerts', ['open_key'], { name: 'alerts_open_key', unique: true });
  await qi.addIndex('alerts', ['state', 'raised_at'], { name: 'alerts_state_raised' });
  await qi.createTable('alert_deliveries', {
    id: { type: STRING(36), primaryKey: true, allowNull: false },
    alert_id: { type: STRING(36), allowNull: false, references: { model: 'alerts', key: 'id' }, onDelete: 'CASCADE' },
    event: { type: STRING(16), allowNull: false },
    url: { type: STRING(1000), allowNull: false },
    payload: { type: TEXT, allowNull: false },
    state: { type: STRING(16), allowNull: false },
    attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: { type: DATE, allowNull: false },
    last_error: { type: STRING(500), allowNull: true },
    delivered_at: { type: DATE, allowNull: true },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('alert_deliveries', ['state', 'next_attempt_at'], { name: 'alert_deliveries_due' });
  await qi.addIndex('alert_deliveries', ['alert_id'], { name: 'alert_deliveries_alert' });
  await qi.createTable('alert_settings', {
    id: { type: STRING(16), primaryKey: true, allowNull: false },
    settings: { type: TEXT, allowNull: false },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addColumn('sessions', 'recording_error', { type: STRING(500), allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
  await qi.sequelize.query('ALTER TABLE sessions DROP COLUMN recording_error');
  await qi.dropTable('alert_settings');
  await qi.dropTable('alert_deliveries');
  await qi.dropTable('alerts');
}
