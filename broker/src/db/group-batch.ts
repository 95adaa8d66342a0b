import { ConnectionError, TimeoutError } from 'sequelize';

interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

export interface GroupBatchOptions {
  /** most items in one batch */
  maxItems?: number;
  /**
   * Whether a failed batch is tried again item by item, so that a bad item fails its own caller
   * only. Without it (lookups: an `IN (…)` never fails because of one key) every caller of the
   * batch gets the batch's error.
   */
  retryAlone?: (err: unknown) => boolean;
}

/**
 * Group commit, for reads and appends alike. While one batch is at the database, items added
 * meanwhile wait and go together in the next: at the 8:30 rush a hundred logins cost a handful
 * of statements instead of a hundred, and with no load an item goes at once, alone, exactly as
 * a plain query would. A batch starts only after every item in it was added, so it sees every
 * write its callers had finished.
 *
 * `run` gets the items in the order they were added and answers one result per item, in that
 * order. Every caller's promise settles, whatever `run` does.
 */
export class GroupBatch<In, Out> {
  readonly #queue: Array<Pending<In, Out>> = [];
  readonly #maxItems: number;
  readonly #retryAlone: (err: unknown) => boolean;
  #running = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    opts: GroupBatchOptions = {},
  ) {
    this.#maxItems = opts.maxItems ?? 200;
    this.#retryAlone = opts.retryAlone ?? (() => false);
  }

  add(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxItems);
        try {
          const results = await this.#runSafely(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(results[i]!));
        } catch (err) {
          if (batch.length === 1 || !this.#retryAlone(err)) for (const p of batch) p.reject(err);
          else for (const p of batch) await this.#runSafely([p.item]).then((r) => p.resolve(r[0]!), p.reject);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /** `run` as a promise that rejects (never throws) and answers one result per item */
  async #runSafely(items: In[]): Promise<Out[]> {
    const results = await this.run(items);
    if (!Array.isArray(results) || results.length !== items.length)
      throw new Error(`a batch of ${items.length} got ${Array.isArray(results) ? results.length : typeof results} results`);
    return results;
  }
}

/** The database is unreachable or busy: trying each row alone would only repeat the wait. */
export const isOutage = (err: unknown) => err instanceof ConnectionError || err instanceof TimeoutError;

/**
 * Appends rows in groups (audit events, session rows, tunnel tokens); each caller's promise
 * settles once its row is stored. A group refused because of a row (a unique key, a NOT NULL) is
 * retried row by row, so only that row's caller gets the error; an outage fails the group.
 */
export function groupInsert<Row>(insert: (rows: Row[]) => Promise<unknown>): GroupBatch<Row, void> {
  return new GroupBatch<Row, void>(
    async (rows) => {
      await insert(rows);
      return rows.map(() => undefined);
    },
    { retryAlone: (err) => !isOutage(err) },
  );
}

/**
 * Looks rows up by key in groups (`WHERE key IN (…)`); a key with no row answers null. Callers
 * asking for the same key in one group share its row, unless `copy` gives each its own (for
 * rows a caller goes on to change).
 */
export function groupLookup<Key, Row>(find: (keys: Key[]) => Promise<Row[]>, keyOf: (row: Row) => Key, copy?: (row: Row) => Row): GroupBatch<Key, Row | null> {
  return new GroupBatch<Key, Row | null>(async (keys) => {
    const rows = new Map((await find([...new Set(keys)])).map((row) => [keyOf(row), row]));
    const given = new Set<Key>();
    return keys.map((key) => {
      const row = rows.get(key);
      if (!row) return null;
      if (!copy || !given.has(key)) return (given.add(key), row);
      return copy(row);
    });
  });
}
