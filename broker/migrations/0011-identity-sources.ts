import { DataTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, BOOLEAN, DATE, TEXT, JSON: JSONB } = DataTypes;

/**
 * Identity sources (LDAP / Active Directory): where accounts of a site are checked instead of a
 * local password. An account made by one (just in time, at its first login) names it; such an
 * account has no usable local password and is disabled by the source's sync when it leaves.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('identity_sources', {
    id: id(),
    name: { type: STRING(200), allowNull: false },
    site_id: fk('sites', { allowNull: true }),
    kind: { type: STRING(16), allowNull: false, defaultValue: 'ldap' },
    enabled: { type: BOOLEAN, allowNull: false, defaultValue: true },
    settings: { type: JSONB, allowNull: false },
    service_password_enc: { type: TEXT, allowNull: true },
    last_sync_at: { type: DATE, allowNull: true },
    ...timestamps(),
  });
  // no REFERENCES: SQLite cannot DROP a foreign-key column on the way down; deleting a source
  // that still vouches for accounts is refused by the broker (IN_USE)
  await qi.addColumn('accounts', 'identity_source_id', { type: STRING(36), allowNull: true });
  await qi.addColumn('accounts', 'external_dn', { type: STRING(500), allowNull: true });
  await qi.addIndex('accounts', ['identity_source_id'], { name: 'accounts_identity_source' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('accounts', 'accounts_identity_source');
  // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
  await qi.sequelize.query('ALTER TABLE accounts DROP COLUMN external_dn');
  await qi.sequelize.query('ALTER TABLE accounts DROP COLUMN identity_source_id');
  await qi.dropTable('identity_sources');
}
