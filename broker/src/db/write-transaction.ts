import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { dialectOf } from './database.js';

/** the last write transaction queued per SQLite database: the next one starts when it settles */
const sqliteTail = new WeakMap<Sequelize, Promise<unknown>>();

/** what each open write transaction does once it has committed (see `afterCommit`) */
const committedEffects = new WeakMap<Transaction, Array<() => void>>();

/**
 * One admin write: its checks, its rows and its audit event commit together or not at all.
 * PostgreSQL: rows a write decides on are read `FOR UPDATE` by the caller (`findVisible`).
 * SQLite (one broker per file): write transactions of this process run one at a time, each
 * taking the write lock at BEGIN (IMMEDIATE). Waiting on SQLite's busy timeout instead would
 * park a libuv thread per waiter, and with four parked the holder's own statements cannot run.
 * `work` must not open another write transaction (it would wait for itself on SQLite).
 */
export async function writeTransaction<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  const effects: Array<() => void> = [];
  const tracked = (transaction: Transaction) => {
    committedEffects.set(transaction, effects);
    return work(transaction);
  };
  let run: Promise<T>;
  if (dialectOf(sequelize) === 'postgres') run = sequelize.transaction(tracked);
  else {
    const previous = sqliteTail.get(sequelize) ?? Promise.resolve();
    run = previous.then(() => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, tracked));
    sqliteTail.set(
      sequelize,
      run.catch(() => undefined),
    );
  }
  const result = await run;
  runAll(effects);
  return result;
}

/**
 * Runs `effect` (a live event, closing a tunnel, starting a background action) once the write it
 * follows is stored: after `transaction` has committed, never if it did not; at once without one.
 */
export function afterCommit(transaction: Transaction | undefined, effect: () => void): void {
  if (!transaction) return effect();
  const effects = committedEffects.get(transaction);
  if (effects) effects.push(effect);
  else transaction.afterCommit(effect); // a transaction writeTransaction did not open
}

/** Every effect runs even if one before it throws; the first error is thrown after them all. */
function runAll(effects: Array<() => void>): void {
  let failure: { err: unknown } | null = null;
  for (const effect of effects) {
    try {
      effect();
    } catch (err) {
      failure ??= { err };
    }
  }
  if (failure) throw failure.err;
}

/** 'YZKY': the advisory lock namespace of `lockKey` (two-int keys never meet the one-bigint ones) */
const KEY_LOCKS = 0x595a4b59;

/**
 * Serialises the writes of one key that may have no row yet, where `FOR UPDATE` has nothing to
 * lock (two first PUTs of one new date would both insert, and one would fail on the key). On
 * PostgreSQL a transaction-scoped advisory lock on the key, held until commit; SQLite's write
 * transactions already run one at a time.
 */
export async function lockKey(sequelize: Sequelize, transaction: Transaction, key: string): Promise<void> {
  if (dialectOf(sequelize) !== 'postgres') return;
  await sequelize.query('SELECT pg_advisory_xact_lock(:namespace, hashtext(:key))', {
    replacements: { namespace: KEY_LOCKS, key },
    transaction,
    type: QueryTypes.SELECT,
  });
}
