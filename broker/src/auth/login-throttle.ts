import { isIP } from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { AppError } from '../lib/app-error.js';
import type { ClusterBus } from '../lib/cluster-bus.js';

/** a bad address never cancels the account's count: it is dropped on its own */
const failureMessage = z.object({ username: z.string().max(200), address: z.string().max(100).refine((a) => isIP(a) !== 0).nullable().catch(null) });
const successMessage = z.object({ username: z.string().max(200) });

/**
 * Failed logins are counted per account and per address; once either passes its limit the
 * login is refused with TOO_MANY_ATTEMPTS and the seconds to wait, before the password is
 * even checked. With several brokers (`shareWith` the cluster bus) every process counts every
 * process's failures, a few milliseconds after they happen, and a success anywhere clears them.
 */
export class LoginThrottle {
  readonly #perAccount: RateLimiterMemory;
  readonly #perAddress: RateLimiterMemory;
  #bus: ClusterBus | null = null;

  constructor(opts: { perAccount: number; perAddress: number; windowSeconds: number }) {
    this.#perAccount = new RateLimiterMemory({ points: opts.perAccount, duration: opts.windowSeconds, keyPrefix: 'acct' });
    this.#perAddress = new RateLimiterMemory({ points: opts.perAddress, duration: opts.windowSeconds, keyPrefix: 'addr' });
  }

  async assertAllowed(username: string, address: string | null): Promise<void> {
    const checks: Array<[RateLimiterMemory, string, number]> = [[this.#perAccount, username.toLowerCase(), this.#perAccount.points]];
    if (address) checks.push([this.#perAddress, address, this.#perAddress.points]);
    for (const [limiter, key, points] of checks) {
      const res = await limiter.get(key);
      if (res && res.consumedPoints >= points) {
        throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });
      }
    }
  }

  async recordFailure(username: string, address: string | null): Promise<void> {
    const key = username.toLowerCase();
    await this.#countFailure(key, address);
    this.#bus?.publish('throttle.failure', { username: key, address: address && isIP(address) ? address : null });
  }

  async recordSuccess(username: string): Promise<void> {
    const key = username.toLowerCase();
    // only a count that exists is worth telling the other processes about (they hold the same counts)
    const counted = await this.#perAccount.get(key);
    await this.#perAccount.delete(key);
    if (counted) this.#bus?.publish('throttle.success', { username: key });
  }

  /** Counts the failures of the other broker processes too, and tells them of this one's. */
  shareWith(bus: ClusterBus): void {
    if (!bus.clustered) return;
    this.#bus = bus;
    bus.subscribe('throttle.failure', (payload) => {
      const message = failureMessage.safeParse(payload);
      if (message.success) void this.#countFailure(message.data.username, message.data.address).catch(() => undefined);
    });
    bus.subscribe('throttle.success', (payload) => {
      const message = successMessage.safeParse(payload);
      if (message.success) void this.#perAccount.delete(message.data.username).catch(() => undefined);
    });
  }

  async #countFailure(usernameKey: string, address: string | null): Promise<void> {
    await this.#perAccount.penalty(usernameKey, 1).catch(ignoreLimit);
    if (address) await this.#perAddress.penalty(address, 1).catch(ignoreLimit);
  }
}

function ignoreLimit(err: unknown): void {
  if (!(err instanceof RateLimiterRes)) throw err;
}
