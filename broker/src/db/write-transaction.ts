import { Transaction, type Sequelize } from 'sequelize';
import { dialectOf } from './database.js';

/** the last write transaction queued per SQLite database: the next one starts when it settles */
const sqliteTail = new WeakMap<Sequelize, Promise<unknown>>();

/**
 * One admin write: its checks, its rows and its audit event commit together or not at all.
 * PostgreSQL: rows a write decides on are read `FOR UPDATE` by the caller (`findVisible`).
 * SQLite (one broker per file): write transactions of this process run one at a time, each
 * taking the write lock at BEGIN (IMMEDIATE). Waiting on SQLite's busy timeout instead would
 * park a libuv thread per waiter, and with four parked the holder's own statements cannot run.
 * `work` must not open another write transaction (it would wait for itself on SQLite).
 */
export function writeTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  if (dialectOf(sequelize) === 'postgres') return sequelize.transaction(work);
  const previous = sqliteTail.get(sequelize) ?? Promise.resolve();
  const run = previous.then(() => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, work));
  sqliteTail.set(sequelize, run.catch(() => undefined));
  return run;
}
