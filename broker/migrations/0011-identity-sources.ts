import { DataTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, BOOLEAN, DATE, TEXT, INTEGER, JSON: JSONB } = DataTypes;

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

  // TOTP for console users: the secret sealed (SecretBox), the last 30-second step accepted (a
  // code is never taken twice), and single-use recovery codes stored as sha256
  await qi.addColumn('accounts', 'totp_secret_enc', { type: TEXT, allowNull: true });
  await qi.addColumn('accounts', 'totp_enabled', { type: BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn('accounts', 'totp_last_step', { type: INTEGER, allowNull: true });
  await qi.createTable('account_recovery_codes', {
    id: id(),
    account_id: fk('accounts', { onDelete: 'CASCADE' }),
    code_hash: { type: STRING(64), allowNull: false, unique: true },
    used_at: { type: DATE, allowNull: true },
    created_at: { type: DATE, allowNull: false },
  });

  // login rules: who may log in at which windows, when, and (console) from which networks
  await qi.createTable('login_rules', {
    id: id(),
    name: { type: STRING(200), allowNull: false },
    site_id: fk('sites', { allowNull: true }),
    enabled: { type: BOOLEAN, allowNull: false, defaultValue: true },
    settings: { type: JSONB, allowNull: false },
    ...timestamps(),
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('login_rules');
  await qi.dropTable('account_recovery_codes');
  for (const column of ['totp_last_step', 'totp_enabled', 'totp_secret_enc']) await qi.sequelize.query(`ALTER TABLE accounts DROP COLUMN ${column}`);
  await qi.removeIndex('accounts', 'accounts_identity_source');
  // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
  await qi.sequelize.query('ALTER TABLE accounts DROP COLUMN external_dn');
  await qi.sequelize.query('ALTER TABLE accounts DROP COLUMN identity_source_id');
  await qi.dropTable('identity_sources');
}
