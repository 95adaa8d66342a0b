import { DataTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, INTEGER, BOOLEAN, DATE } = DataTypes;

/** Join tokens: a site's key for enrolling thin clients (only the token's sha256 is kept). */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('join_tokens', {
    id: id(),
    site_id: fk('sites', { onDelete: 'CASCADE' }),
    label: { type: STRING(200), allowNull: true },
    token_hash: { type: STRING(64), allowNull: false, unique: true },
    token_prefix: { type: STRING(16), allowNull: false },
    expires_at: { type: DATE, allowNull: false },
    max_uses: { type: INTEGER, allowNull: false, defaultValue: 1 },
    uses: { type: INTEGER, allowNull: false, defaultValue: 0 },
    require_approval: { type: BOOLEAN, allowNull: false, defaultValue: false },
    revoked_at: { type: DATE, allowNull: true },
    last_used_at: { type: DATE, allowNull: true },
    created_by: { type: STRING(36), allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('join_tokens', ['site_id', 'created_at']);
  // the presence sweep and the console's "online" filter read this column often
  await qi.addIndex('terminals', ['online'], { name: 'terminals_online' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('terminals', 'terminals_online');
  await qi.dropTable('join_tokens');
}
