import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../lib/app-error.js';

/**
 * Failed logins are counted per account and per address; once either passes its limit the
 * login is refused with TOO_MANY_ATTEMPTS and the seconds to wait, before the password is
 * even checked.
 */
export class LoginThrottle {
  readonly #perAccount: RateLimiterMemory;
  readonly #perAddress: RateLimiterMemory;

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
    await this.#perAccount.penalty(username.toLowerCase(), 1).catch(ignoreLimit);
    if (address) await this.#perAddress.penalty(address, 1).catch(ignoreLimit);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.#perAccount.delete(username.toLowerCase());
  }
}

function ignoreLimit(err: unknown): void {
  if (!(err instanceof RateLimiterRes)) throw err;
}
