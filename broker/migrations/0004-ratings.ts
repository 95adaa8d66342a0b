import { DataTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, DATE, JSON: JSONB } = DataTypes;

/**
 * 好差评: the window page invites a rating of one session; the citizen answers it once.
 * Where and by whom the service was given is copied onto the rating at invitation time, so a
 * clerk who later moves to another window does not move old ratings with them.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const where = () => ({
    session_id: fk('sessions'),
    terminal_id: fk('terminals', { allowNull: true, onDelete: 'SET NULL' }),
    window_id: fk('windows', { allowNull: true, onDelete: 'SET NULL' }),
    site_id: fk('sites', { allowNull: true }),
    account_id: fk('accounts'),
    department_id: fk('departments', { allowNull: true }),
    pool_id: fk('pools'),
  });
  await qi.createTable('rating_invitations', {
    id: id(),
    ...where(),
    expires_at: { type: DATE, allowNull: false },
    ...timestamps(),
  });
  await qi.createTable('ratings', {
    id: id(),
    // unique: the database itself refuses a second rating for one invitation (一次一评)
    invitation_id: { ...fk('rating_invitations'), unique: true },
    ...where(),
    score: { type: STRING(16), allowNull: false },
    reasons: { type: JSONB, allowNull: false },
    ...timestamps(),
  });
  await qi.addIndex('ratings', ['site_id', 'created_at']);
  await qi.addIndex('ratings', ['window_id', 'created_at']);
  await qi.addIndex('ratings', ['account_id', 'created_at']);
  await qi.addIndex('ratings', ['department_id', 'created_at']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('ratings');
  await qi.dropTable('rating_invitations');
}
