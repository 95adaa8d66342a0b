import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * `accounts.must_change_password`: a password someone else chose (an admin's initial or reset
 * password, the generated first-start password) must be replaced by its owner at the next console
 * sign-in (issue 17). Accounts made before it keep their passwords as they are.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('accounts', 'must_change_password', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // plain DROP COLUMN on both dialects: sequelize's SQLite removeColumn rebuilds the table and turns its named unique indexes into column constraints
  await qi.sequelize.query('ALTER TABLE accounts DROP COLUMN must_change_password');
}
