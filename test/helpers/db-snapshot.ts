import assert from 'node:assert/strict';
import { QueryTypes, type Sequelize } from 'sequelize';

/** Tables that timers write whatever the requests do (heartbeats of the broker process). */
const MOVING_TABLES = new Set(['broker_instances']);

export type DatabaseSnapshot = Map<string, string[]>;

/** Every row of every table, each as canonical JSON, sorted: compare two to prove a request stored nothing. */
export async function snapshotDatabase(sequelize: Sequelize): Promise<DatabaseSnapshot> {
  const tables =
    sequelize.getDialect() === 'postgres'
      ? await sequelize.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
          { type: QueryTypes.SELECT },
        )
      : await sequelize.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", {
          type: QueryTypes.SELECT,
        });
  const snapshot: DatabaseSnapshot = new Map();
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    if (MOVING_TABLES.has(name)) continue;
    const rows = await sequelize.query<Record<string, unknown>>(`SELECT * FROM "${name}"`, { type: QueryTypes.SELECT });
    snapshot.set(name, rows.map(canonical).sort());
  }
  return snapshot;
}

function canonical(row: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k]]),
  );
}

/** The tables whose rows differ, with the rows added and removed, for the failure message. */
export function snapshotDiff(before: DatabaseSnapshot, after: DatabaseSnapshot): string[] {
  const out: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const b = new Set(before.get(table) ?? []);
    const a = new Set(after.get(table) ?? []);
    const added = [...a].filter((r) => !b.has(r));
    const removed = [...b].filter((r) => !a.has(r));
    if (added.length || removed.length)
      out.push(`${table}: +${added.length} -${removed.length} ${added.slice(0, 2).join(' ')} ${removed.slice(0, 2).join(' ')}`.slice(0, 600));
  }
  return out;
}

export function assertUnchanged(before: DatabaseSnapshot, after: DatabaseSnapshot, what: string): void {
  const diff = snapshotDiff(before, after);
  assert.deepEqual(diff, [], `${what} changed the database:\n${diff.join('\n')}`);
}
