import { DataTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, BOOLEAN, DATE, TEXT, JSON: JSONB } = DataTypes;

/**
 * OpenID Connect providers (`oidc_sources`) and the sign-ins under way with them (`oidc_logins`:
 * the state, nonce and PKCE verifier of one redirect, used once, kept in the database so any
 * broker of a cluster can take the callback).
 *
 * `admin_sessions.restriction`: a console session that may only do one thing yet, e.g.
 * `TOTP_ENROLLMENT_REQUIRED` for an admin whose role needs TOTP and who has none (issue 18).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('admin_sessions', 'restriction', { type: STRING(40), allowNull: true, defaultValue: null });
  await qi.createTable('oidc_sources', {
    id: id(),
    name: { type: STRING(200), allowNull: false },
    site_id: fk('sites', { allowNull: true }),
    enabled: { type: BOOLEAN, allowNull: false, defaultValue: true },
    settings: { type: JSONB, allowNull: false },
    client_secret_enc: { type: TEXT, allowNull: true },
    ...timestamps(),
  });
  await qi.createTable('oidc_logins', {
    state_hash: { type: STRING(64), primaryKey: true, allowNull: false },
    source_id: fk('oidc_sources', { onDelete: 'CASCADE' }),
    nonce: { type: STRING(100), allowNull: false },
    code_verifier: { type: STRING(200), allowNull: false },
    purpose: { type: STRING(16), allowNull: false },
    return_to: { type: STRING(400), allowNull: false },
    // a window sign-in: the terminal it started at, and (once the provider answered) the account
    // its one-time ticket stands for, redeemed by that terminal only
    terminal_id: { type: STRING(36), allowNull: true },
    account_id: { type: STRING(36), allowNull: true },
    expires_at: { type: DATE, allowNull: false },
    created_at: { type: DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('oidc_logins');
  await qi.dropTable('oidc_sources');
  // plain DROP COLUMN on both dialects (see 0009)
  await qi.sequelize.query('ALTER TABLE admin_sessions DROP COLUMN restriction');
}
