import { Transaction, type Sequelize } from 'sequelize';
import { dialectOf } from './database.js';

/**
 * One admin write: its checks, its rows and its audit event commit together or not at all.
 * On SQLite the write lock is taken at BEGIN (IMMEDIATE), so two writes queue on the busy
 * timeout instead of one failing when it upgrades a read lock; on PostgreSQL rows the write
 * reads for a decision are locked with `FOR UPDATE` by the caller (`findVisible`).
 */
export function writeTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  const type = dialectOf(sequelize) === 'sqlite' ? Transaction.TYPES.IMMEDIATE : Transaction.TYPES.DEFERRED;
  return sequelize.transaction({ type }, work);
}
