import { DataTypes, type QueryInterface } from 'sequelize';

const { STRING, INTEGER, DATE, TEXT } = DataTypes;

/**
 * The outbox to the province (docs/RATINGS.md): one row per rating or work-order change, written
 * in the change's own transaction, sent in `seq` order per window.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('rating_outbox', {
    seq: { type: INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    rating_id: { type: STRING(36), allowNull: false },
    change_no: { type: INTEGER, allowNull: false },
    kind: { type: STRING(48), allowNull: false },
    window_key: { type: STRING(36), allowNull: false },
    payload: { type: TEXT, allowNull: false },
    state: { type: STRING(16), allowNull: false },
    attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: { type: DATE, allowNull: false },
    last_error: { type: TEXT, allowNull: true },
    delivered_at: { type: DATE, allowNull: true },
    created_at: { type: DATE, allowNull: false },
    updated_at: { type: DATE, allowNull: false },
  });
  await qi.addIndex('rating_outbox', ['rating_id', 'change_no'], { name: 'rating_outbox_rating_change', unique: true });
  await qi.addIndex('rating_outbox', ['state', 'window_key', 'seq'], { name: 'rating_outbox_state_window_seq' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('rating_outbox');
}
