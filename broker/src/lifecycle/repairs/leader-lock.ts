import { QueryTypes, type Sequelize } from 'sequelize';
import { dialectOf } from '../../db/database.js';

/** 'YZRC': the advisory lock key of the reconciler, the same in every broker process */
const RECONCILER_LOCK = 0x595a5243;

/**
 * Runs `work` only if no other broker process is running it. On PostgreSQL a transaction-level
 * advisory lock (`pg_try_advisory_xact_lock`) is held for the duration and released on commit
 * or when the holder's connection dies with it, so a crashed broker never leaves it taken.
 * SQLite has a single writer and every repair is a conditional UPDATE, so two runs cannot
 * undo each other there. Returns whether `work` ran.
 */
export async function withLeaderLock(sequelize: Sequelize, work: () => Promise<void>): Promise<boolean> {
  if (dialectOf(sequelize) === 'sqlite') {
    await work();
    return true;
  }
  return sequelize.transaction(async (transaction) => {
    const [row] = await sequelize.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(:key) AS locked', {
      replacements: { key: RECONCILER_LOCK },
      transaction,
      type: QueryTypes.SELECT,
    });
    if (!row?.locked) return false;
    await work();
    return true;
  });
}
