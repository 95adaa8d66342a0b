import { DataTypes, type QueryInterface } from 'sequelize';

const { STRING, INTEGER, DATE } = DataTypes;

/**
 * 排队叫号 at the window (docs/RATINGS.md): one row per ticket a window called, with how its
 * service ended; `open_key` (the window id while the ticket is served, else null) is unique, so
 * a window serves one number at a time. A rating invitation remembers the number it followed.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('queue_tickets', {
    id: { type: STRING(36), primaryKey: true, allowNull: false },
    number: { type: STRING(16), allowNull: false },
    service: { type: STRING(64), allowNull: true },
    state: { type: STRING(16), allowNull: false },
    open_key: { type: STRING(36), allowNull: true },
    window_id: { type: STRING(36), allowNull: false },
    site_id: { type: STRING(36), allowNull: true },
    terminal_id: { type: STRING(36), allowNull: false },
    session_id: { type: STRING(36), allowNull: false },
    account_id: { type: STRING(36), allowNull: false },
    recalls: { type: INTEGER, allowNull: false, defaultValue: 0 },
    transfer_target: { type: STRING(32), allowNull: true },
    invitation_id: { type: STRING(36), allowNull: true },
    called_at: { type: DATE, allowNull: false },
    ended_at: { type: DATE, allowNull: true },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('queue_tickets', ['open_key'], { name: 'queue_tickets_open_key', unique: true });
  await qi.addIndex('queue_tickets', ['window_id', 'called_at'], { name: 'queue_tickets_window_called' });
  await qi.addColumn('rating_invitations', 'queue_number', { type: STRING(16), allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
  await qi.sequelize.query('ALTER TABLE rating_invitations DROP COLUMN queue_number');
  await qi.dropTable('queue_tickets');
}
