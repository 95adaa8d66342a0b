import type { Sequelize } from 'sequelize';

const TRIGGER = 'yz_test_audit_fault';

/**
 * Makes the database itself refuse every audit event of `action` from now on (as a full disk or
 * a dropped connection would at that statement), whoever writes it. Returns the undo.
 */
export async function failAuditInserts(sequelize: Sequelize, action: string): Promise<() => Promise<void>> {
  if (!/^[a-z.-]+$/.test(action)) throw new Error(`not an audit action: ${action}`);
  if (sequelize.getDialect() === 'postgres') {
    await sequelize.query(
      `CREATE OR REPLACE FUNCTION ${TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected audit failure'; END $$`,
    );
    await sequelize.query(`CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON audit_events FOR EACH ROW WHEN (NEW.action = '${action}') EXECUTE FUNCTION ${TRIGGER}()`);
    return async () => void (await sequelize.query(`DROP TRIGGER ${TRIGGER} ON audit_events`));
  }
  await sequelize.query(
    `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON audit_events WHEN NEW.action = '${action}' BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END`,
  );
  return async () => void (await sequelize.query(`DROP TRIGGER ${TRIGGER}`));
}

/** `send`, while the database refuses audit events of `action`; the fault is gone when this returns. */
export async function whileAuditFails<T>(sequelize: Sequelize, action: string, send: () => Promise<T>): Promise<T> {
  const undo = await failAuditInserts(sequelize, action);
  try {
    return await send();
  } finally {
    await undo();
  }
}
