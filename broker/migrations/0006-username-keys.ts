import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { loginKey } from '@yunzhuo/protocol/api/names';

const INDEX = 'accounts_username_key_unique';

/**
 * `accounts.username_key`: the login name as it is compared (NFKC + case-folded, protocol's
 * `loginKey`), unique, so `ａｄｍｉｎ` and `ADMIN` cannot sit beside `admin` and a login finds the
 * account whatever width or case was typed. Filled here in JS (no database does NFKC the same);
 * accounts that already clash stop the migration with their names, for an administrator to rename.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('accounts', 'username_key', { type: DataTypes.STRING(200), allowNull: true });
  const rows = await qi.sequelize.query<{ id: string; username: string }>('SELECT id, username FROM accounts', { type: QueryTypes.SELECT });
  const byKey = new Map<string, string[]>();
  for (const row of rows) byKey.set(loginKey(row.username), [...(byKey.get(loginKey(row.username)) ?? []), row.username]);
  const clashes = [...byKey.values()].filter((names) => names.length > 1);
  if (clashes.length > 0) {
    throw new Error(`账号名仅大小写或全半角不同，请先改名 / accounts differ only by case or width; rename them first: ${clashes.map((n) => n.join(' = ')).join('; ')}`);
  }
  for (const row of rows) {
    await qi.sequelize.query('UPDATE accounts SET username_key = :key WHERE id = :id', { replacements: { key: loginKey(row.username), id: row.id } });
  }
  await qi.addIndex('accounts', ['username_key'], { name: INDEX, unique: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('accounts', INDEX);
  // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
  await qi.sequelize.query('ALTER TABLE accounts DROP COLUMN username_key');
}
