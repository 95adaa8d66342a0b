import { GroupBatch, groupLookup } from '../db/group-batch.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Pool } from '../pools/pool.model.js';
import { Terminal } from '../terminals/terminal.model.js';
import { HallWindow } from '../windows/window.model.js';
import { entitledPoolsOf } from './entitlements.js';

/** how long a cached row may be served without an event saying it changed */
export const LOGIN_ROWS_TTL_MS = 5000;
const MAX_ENTRIES = 20_000;

/** A keyed cache with a time limit; concurrent misses for one key share one load. */
export class ShortCache<T> {
  readonly #entries = new Map<string, { value: Promise<T>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const hit = this.#entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    const value = load();
    this.#entries.set(key, { value, until: now + this.ttlMs });
    value.catch(() => this.#entries.delete(key)); // a failed load is not remembered
    return value;
  }

  forget(key?: string): void {
    if (key === undefined || key === '*') this.#entries.clear();
    else this.#entries.delete(key);
  }
}

/**
 * The rows every window login reads and admins rarely change — the terminal, its window, the
 * pools an account is entitled to — held for a few seconds: every call of a window page checks
 * its terminal, and a login reads all three. Any change an admin makes (in this process or, through the cluster
 * bus, in another) publishes a live event that drops the row at once; the time limit covers a
 * change that reached the database some other way. Rows handed out are shared: read only.
 * Misses of many logins at once are read together, one query per group (GroupBatch).
 */
export class LoginRows {
  readonly #terminals: ShortCache<Terminal | null>;
  readonly #windows: ShortCache<HallWindow | null>;
  readonly #pools: ShortCache<Pool[]>;
  readonly #readTerminals = groupLookup(
    (ids: string[]) => Terminal.findAll({ where: { id: ids } }),
    (t) => t.id,
  );
  readonly #readWindows = groupLookup(
    (ids: string[]) => HallWindow.findAll({ where: { id: ids } }),
    (w) => w.id,
  );
  readonly #readPools = new GroupBatch(entitledPoolsOf);

  constructor(events: LiveEvents, clock: Clock) {
    this.#terminals = new ShortCache(LOGIN_ROWS_TTL_MS, clock);
    this.#windows = new ShortCache(LOGIN_ROWS_TTL_MS, clock);
    this.#pools = new ShortCache(LOGIN_ROWS_TTL_MS, clock);
    events.subscribe((event) => {
      if (event.type === 'terminal.changed') return this.#terminals.forget(event.data.id);
      if (event.type !== 'resource.changed') return;
      const { resource, id } = event.data;
      if (resource === 'terminals') this.#terminals.forget(id);
      else if (resource === 'windows') this.#windows.forget(id);
      else if (resource === 'pools' || resource === 'accounts' || resource === 'departments') this.#pools.forget();
    });
  }

  terminal(id: string): Promise<Terminal | null> {
    return this.#terminals.get(id, () => this.#readTerminals.add(id));
  }

  window(id: string): Promise<HallWindow | null> {
    return this.#windows.get(id, () => this.#readWindows.add(id));
  }

  pools(accountId: string): Promise<Pool[]> {
    return this.#pools.get(accountId, () => this.#readPools.add(accountId));
  }
}
