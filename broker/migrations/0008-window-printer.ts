import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * The printer on a window's counter (`windows.printer`, JSON: queue name, paper, copies,
 * duplex; docs/PAPER.md). Windows made before it have none: the window page says so.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('windows', 'printer', { type: DataTypes.JSON, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // plain DROP COLUMN on both databases: Sequelize's SQLite removeColumn rebuilds the table, which foreign keys forbid
  await qi.sequelize.query('ALTER TABLE windows DROP COLUMN printer');
}
