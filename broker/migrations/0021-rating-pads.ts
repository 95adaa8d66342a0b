import { DataTypes, type QueryInterface } from 'sequelize';

const { STRING, DATE } = DataTypes;

/**
 * The rating pad (评价器) and the queue's pause (docs/RATINGS.md):
 * - `rating_pads`: a second screen at the counter paired with a terminal by a one-time code the
 *   window page shows; the code and the pad's secret are kept as sha256 only.
 * - `ratings.client_key`: the idempotency key a pad sends with a rating it may send twice (it
 *   queued it while the broker was out of reach); a repeat with the same key is the same rating.
 * - `queue_pauses`: 暂停叫号 at a window, `open_key` (the window id while paused) unique.
 * - indexes for the pad's poll: a terminal's invitations by time, its sessions by state.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('rating_pads', {
    id: { type: STRING(36), primaryKey: true, allowNull: false },
    terminal_id: { type: STRING(36), allowNull: false },
    window_id: { type: STRING(36), allowNull: true },
    site_id: { type: STRING(36), allowNull: true },
    pairing_code_hash: { type: STRING(64), allowNull: true },
    pairing_expires_at: { type: DATE, allowNull: true },
    secret_hash: { type: STRING(64), allowNull: true },
    paired_at: { type: DATE, allowNull: true },
    last_seen_at: { type: DATE, allowNull: true },
    revoked_at: { type: DATE, allowNull: true },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('rating_pads', ['pairing_code_hash'], { name: 'rating_pads_pairing_code', unique: true });
  await qi.addIndex('rating_pads', ['terminal_id'], { name: 'rating_pads_terminal' });
  await qi.addColumn('ratings', 'client_key', { type: STRING(64), allowNull: true });
  await qi.createTable('queue_pauses', {
    id: { type: STRING(36), primaryKey: true, allowNull: false },
    open_key: { type: STRING(36), allowNull: true },
    window_id: { type: STRING(36), allowNull: false },
    site_id: { type: STRING(36), allowNull: true },
    terminal_id: { type: STRING(36), allowNull: false },
    session_id: { type: STRING(36), allowNull: false },
    account_id: { type: STRING(36), allowNull: false },
    paused_at: { type: DATE, allowNull: false },
    resumed_at: { type: DATE, allowNull: true },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('queue_pauses', ['open_key'], { name: 'queue_pauses_open_key', unique: true });
  await qi.addIndex('queue_pauses', ['window_id', 'paused_at'], { name: 'queue_pauses_window_paused' });
  // every pad asks every 1.5 s for its terminal's newest invitation and live session
  await qi.addIndex('rating_invitations', ['terminal_id', 'created_at'], { name: 'rating_invitations_terminal_created' });
  await qi.addIndex('sessions', ['terminal_id', 'state'], { name: 'sessions_terminal_state' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('sessions', 'sessions_terminal_state');
  await qi.removeIndex('rating_invitations', 'rating_invitations_terminal_created');
  await qi.dropTable('queue_pauses');
  // plain DROP COLUMN on both databases (Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid)
  await qi.sequelize.query('ALTER TABLE ratings DROP COLUMN client_key');
  await qi.dropTable('rating_pads');
}
