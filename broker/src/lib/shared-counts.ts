import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { ClusterBus } from './cluster-bus.js';

const keyMessage = z.object({ key: z.string().max(200) });

/**
 * Per-key counts of failures within a window (rate-limiter-flexible's memory store), for
 * throttles. With several brokers (`shareWith` the cluster bus) each process adds every
 * process's counts a few milliseconds after they happen, and a clear anywhere clears them all;
 * no database round trip is added. Copied, not stored: a process that starts, or misses messages
 * while its bus connection is down, begins behind.
 */
export class SharedCounts {
  readonly #counts: RateLimiterMemory;
  #bus: ClusterBus | null = null;
  /** with `indexed`: every key counted (here or on the bus) since it was last found expired, for `keysStartingWith` */
  readonly #keys: Set<string> | null;

  /**
   * `kind`: the bus messages' prefix. `shareable`: which keys go over the bus and are taken from
   * it (a key that fails it is still counted here; a message with one is dropped on its own).
   */
  constructor(
    private readonly kind: string,
    readonly limit: number,
    windowSeconds: number,
    private readonly shareable: (key: string) => boolean = () => true,
    indexed = false,
  ) {
    this.#counts = new RateLimiterMemory({ points: limit, duration: windowSeconds, keyPrefix: kind });
    this.#keys = indexed ? new Set() : null;
  }

  /** The counted keys that begin with `prefix` (only with `indexed`); expired ones are forgotten on the way. */
  async keysStartingWith(prefix: string): Promise<string[]> {
    const found: string[] = [];
    for (const key of this.#keys ?? []) {
      if (!(await this.#counts.get(key))) this.#keys?.delete(key);
      else if (key.startsWith(prefix)) found.push(key);
    }
    return found;
  }

  /** Seconds until `key` may try again, or null while it is under the limit. */
  async blockedFor(key: string): Promise<number | null> {
    const res = await this.#counts.get(key);
    return res && res.consumedPoints >= this.limit ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : null;
  }

  async add(key: string): Promise<void> {
    await this.#add(key);
    if (this.shareable(key)) this.#bus?.publish(`${this.kind}.add`, { key });
  }

  /**
   * One count added for `key` is taken back (an attempt counted before its outcome was known that
   * turned out fine); a count down to nothing is forgotten. Nothing happens when there is no count.
   */
  async takeBack(key: string): Promise<void> {
    const taken = await this.#takeBack(key);
    if (taken && this.shareable(key)) this.#bus?.publish(`${this.kind}.takeback`, { key });
  }

  async clear(key: string): Promise<void> {
    // only a count that exists is worth telling the other processes about (they hold the same counts)
    const counted = await this.#counts.get(key);
    await this.#counts.delete(key);
    this.#keys?.delete(key);
    if (counted && this.shareable(key)) this.#bus?.publish(`${this.kind}.clear`, { key });
  }

  /** Adds the other broker processes' counts too, and tells them of this one's. */
  shareWith(bus: ClusterBus): void {
    if (!bus.clustered) return;
    this.#bus = bus;
    bus.subscribe(`${this.kind}.add`, (payload) => {
      const key = this.#keyOf(payload);
      if (key !== null) void this.#add(key).catch(() => undefined);
    });
    bus.subscribe(`${this.kind}.takeback`, (payload) => {
      const key = this.#keyOf(payload);
      if (key !== null) void this.#takeBack(key).catch(() => undefined);
    });
    bus.subscribe(`${this.kind}.clear`, (payload) => {
      const key = this.#keyOf(payload);
      if (key === null) return;
      this.#keys?.delete(key);
      void this.#counts.delete(key).catch(() => undefined);
    });
  }

  #keyOf(payload: unknown): string | null {
    const message = keyMessage.safeParse(payload);
    return message.success && this.shareable(message.data.key) ? message.data.key : null;
  }

  async #add(key: string): Promise<void> {
    this.#keys?.add(key);
    // a RateLimiterRes rejection only reports the counts; anything else is a real error
    await this.#counts.penalty(key, 1).catch((err: unknown) => {
      if (!(err instanceof RateLimiterRes)) throw err;
    });
  }

  async #takeBack(key: string): Promise<boolean> {
    const counted = await this.#counts.get(key);
    if (!counted || counted.consumedPoints <= 0) return false;
    if (counted.consumedPoints <= 1) {
      await this.#counts.delete(key);
      this.#keys?.delete(key);
    } else {
      await this.#counts.reward(key, 1).catch((err: unknown) => {
        if (!(err instanceof RateLimiterRes)) throw err;
      });
    }
    return true;
  }
}
