import type { Sequelize } from 'sequelize';

const TRIGGER = 'yz_test_insert_fault';

/**
 * Makes the database itself refuse inserts into `table` (only rows matching `when`, an SQL
 * condition on NEW, if given) from now on, as a full disk or a dropped connection would at that
 * statement, whoever writes them. Returns the undo.
 */
export async function failInserts(sequelize: Sequelize, table: string, when?: string): Promise<() => Promise<void>> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table: ${table}`);
  if (sequelize.getDialect() === 'postgres') {
    await sequelize.query(
      `CREATE OR REPLACE FUNCTION ${TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected insert failure'; END $$`,
    );
    await sequelize.query(`CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON ${table} FOR EACH ROW ${when ? `WHEN (${when})` : ''} EXECUTE FUNCTION ${TRIGGER}()`);
    return async () => void (await sequelize.query(`DROP TRIGGER ${TRIGGER} ON ${table}`));
  }
  await sequelize.query(
    `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON ${table} ${when ? `WHEN ${when}` : ''} BEGIN SELECT RAISE(ABORT, 'injected insert failure'); END`,
  );
  return async () => void (await sequelize.query(`DROP TRIGGER ${TRIGGER}`));
}

/** Makes the database refuse every audit event of `action` from now on. Returns the undo. */
export function failAuditInserts(sequelize: Sequelize, action: string): Promise<() => Promise<void>> {
  if (!/^[a-z.-]+$/.test(action)) throw new Error(`not an audit action: ${action}`);
  return failInserts(sequelize, 'audit_events', `NEW.action = '${action}'`);
}

/** `send`, with a fault in place; the fault is gone when this returns */
async function whileFaulted<T>(fault: Promise<() => Promise<void>>, send: () => Promise<T>): Promise<T> {
  const undo = await fault;
  try {
    return await send();
  } finally {
    await undo();
  }
}

/** `send`, while the database refuses inserts into `table` */
export function whileInsertsFail<T>(sequelize: Sequelize, table: string, send: () => Promise<T>): Promise<T> {
  return whileFaulted(failInserts(sequelize, table), send);
}

/** `send`, while the database refuses audit events of `action` */
export function whileAuditFails<T>(sequelize: Sequelize, action: string, send: () => Promise<T>): Promise<T> {
  return whileFaulted(failAuditInserts(sequelize, action), send);
}
