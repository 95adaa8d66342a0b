interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit, for reads and appends alike. While one batch is at the database, items added
 * meanwhile wait and go together in the next: at the 8:30 rush a hundred logins cost a handful
 * of statements instead of a hundred, and with no load an item goes at once, alone, exactly as
 * a plain query would. A batch starts only after every item in it was added, so it sees every
 * write its callers had finished.
 *
 * `run` gets the items in the order they were added and answers one result per item, in that
 * order. A batch that fails is retried item by item, so a bad item fails its own caller only.
 */
export class GroupBatch<In, Out> {
  readonly #queue: Array<Pending<In, Out>> = [];
  #running = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly maxItems = 200,
  ) {}

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
        const batch = this.#queue.splice(0, this.maxItems);
        try {
          const results = await this.run(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(results[i]!));
        } catch (err) {
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const p of batch) await this.run([p.item]).then((r) => p.resolve(r[0]!), p.reject);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

/** Appends rows in groups (audit events, tunnel tokens); each caller's promise settles once its row is stored. */
export function groupInsert<Row>(insert: (rows: Row[]) => Promise<unknown>): GroupBatch<Row, void> {
  return new GroupBatch<Row, void>(async (rows) => {
    await insert(rows);
    return rows.map(() => undefined);
  });
}

/**
 * Looks rows up by key in groups (`WHERE key IN (…)`); a key with no row answers null. Callers
 * asking for the same key in one group share its row, unless `copy` gives each its own (for
 * rows a caller goes on to change).
 */
export function groupLookup<Key, Row>(
  find: (keys: Key[]) => Promise<Row[]>,
  keyOf: (row: Row) => Key,
  copy?: (row: Row) => Row,
): GroupBatch<Key, Row | null> {
  return new GroupBatch<Key, Row | null>(async (keys) => {
    const rows = new Map((await find([...new Set(keys)])).map((row) => [keyOf(row), row]));
    const given = new Set<Key>();
    return keys.map((key) => {
      const row = rows.get(key);
      if (!row) return null;
      if (!copy || !given.has(key)) return given.add(key), row;
      return copy(row);
    });
  });
}
