import { isIP } from 'node:net';
import { AppError } from '../lib/app-error.js';
import type { ClusterBus } from '../lib/cluster-bus.js';
import { SharedCounts } from '../lib/shared-counts.js';

/**
 * Failed logins are counted per account and per address; once either passes its limit the
 * login is refused with TOO_MANY_ATTEMPTS and the seconds to wait, before the password is
 * even checked. With several brokers (`shareWith` the cluster bus) every process counts every
 * process's failures, and a success anywhere clears them (lib/shared-counts.ts).
 */
export class LoginThrottle {
  readonly #perAccount: SharedCounts;
  /** only an IP is shared: a bad address is never sent nor taken from the bus */
  readonly #perAddress: SharedCounts;

  constructor(opts: { perAccount: number; perAddress: number; windowSeconds: number }) {
    this.#perAccount = new SharedCounts('throttle.account', opts.perAccount, opts.windowSeconds);
    this.#perAddress = new SharedCounts('throttle.address', opts.perAddress, opts.windowSeconds, (address) => isIP(address) !== 0);
  }

  async assertAllowed(username: string, address: string | null): Promise<void> {
    const checks: Array<[SharedCounts, string]> = [[this.#perAccount, username.toLowerCase()]];
    if (address) checks.push([this.#perAddress, address]);
    for (const [counts, key] of checks) {
      const retryAfterSeconds = await counts.blockedFor(key);
      if (retryAfterSeconds !== null) throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterSeconds });
    }
  }

  async recordFailure(username: string, address: string | null): Promise<void> {
    await this.#perAccount.add(username.toLowerCase());
    if (address) await this.#perAddress.add(address);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.#perAccount.clear(username.toLowerCase());
  }

  /** Counts the other broker processes' failures too, and tells them of this one's. */
  shareWith(bus: ClusterBus): void {
    this.#perAccount.shareWith(bus);
    this.#perAddress.shareWith(bus);
  }
}
