import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { nameKey } from '@yunzhuo/protocol/api/names';

/** each table's name, its key column and what must be unique (the key, with the row's site for windows) */
const KEYED = [
  { table: 'accounts', source: 'username', key: 'username_key', scope: [] },
  { table: 'sites', source: 'code', key: 'code_key', scope: [] },
  { table: 'departments', source: 'code', key: 'code_key', scope: [] },
  { table: 'windows', source: 'code', key: 'code_key', scope: ['site_id'] },
] as const;

const indexName = (t: (typeof KEYED)[number]) => `${t.table}_${t.key}_unique`;

/**
 * Key columns: a login name or code as it is compared (NFKC + case fold, protocol's `nameKey`),
 * unique, so `ａｄｍｉｎ` and `ADMIN` cannot sit beside `admin` (nor `a-001` beside window `A-001`)
 * and a login finds the account whatever width or case was typed. Filled here in JS (no database
 * does NFKC the same); rows that already clash stop the migration with their names, to be renamed.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const t of KEYED) {
    await qi.addColumn(t.table, t.key, { type: DataTypes.STRING(200), allowNull: true });
    const scope = t.scope.map((c) => `, ${c} AS scope`).join('');
    const rows = await qi.sequelize.query<{ id: string; name: string; scope?: string }>(`SELECT id, ${t.source} AS name${scope} FROM ${t.table}`, {
      type: QueryTypes.SELECT,
    });
    const groups = new Map<string, string[]>();
    for (const row of rows) {
      const group = `${row.scope ?? ''} ${nameKey(row.name)}`;
      groups.set(group, [...(groups.get(group) ?? []), row.name]);
    }
    const clashes = [...groups.values()].filter((names) => names.length > 1);
    if (clashes.length > 0) {
      throw new Error(
        `${t.table}: 名称仅大小写或全半角不同，请先改名 / differ only by case or width; rename them first: ${clashes.map((n) => n.join(' = ')).join('; ')}`,
      );
    }
    for (const row of rows) {
      await qi.sequelize.query(`UPDATE ${t.table} SET ${t.key} = :key WHERE id = :id`, { replacements: { key: nameKey(row.name), id: row.id } });
    }
    await qi.addIndex(t.table, [...t.scope, t.key], { name: indexName(t), unique: true });
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const t of [...KEYED].reverse()) {
    await qi.removeIndex(t.table, indexName(t));
    // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
    await qi.sequelize.query(`ALTER TABLE ${t.table} DROP COLUMN ${t.key}`);
  }
}
