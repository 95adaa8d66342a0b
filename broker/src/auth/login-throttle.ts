import { isIP } from 'node:net';
import { nameKey } from '@yunzhuo/protocol/api/names';
import { loginWaitText } from '@yunzhuo/protocol/login-wait';
import { AppError } from '../lib/app-error.js';
import type { ClusterBus } from '../lib/cluster-bus.js';
import { SharedCounts } from '../lib/shared-counts.js';

/** once an account's failures from anywhere pass their limit, one failure holds it this long (seconds) */
export const SLOW_PATH_SECONDS = 30;

/** TOO_MANY_ATTEMPTS with the wait in words, Chinese first (protocol's loginWaitText). */
export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError('TOO_MANY_ATTEMPTS', { retryAfterSeconds }, `${loginWaitText(retryAfterSeconds, 'zh-CN')} / ${loginWaitText(retryAfterSeconds, 'en')}`);
}

/**
 * Failed logins are counted so that a stranger cannot turn the limit against an account's owner:
 * - per account *and* address (`perAccount`): five wrong passwords from one place hold that place
 *   for the window, not the owner at their own desk;
 * - per address (`perAddress`), whatever the account: one place guessing many accounts;
 * - per account from anywhere (`perAccountAnywhere`, much higher): guesses spread over many
 *   addresses. Past it the account is only slowed, never locked for the window: each further
 *   failure holds it SLOW_PATH_SECONDS, so the owner waits seconds while guessing becomes slow.
 * Refusals come before the password is checked. With several brokers (`shareWith` the cluster
 * bus) every process counts every process's failures (lib/shared-counts.ts).
 */
export class LoginThrottle {
  readonly #perAccountAddress: SharedCounts;
  /** only an IP is shared: a bad address is never sent nor taken from the bus */
  readonly #perAddress: SharedCounts;
  readonly #perAccountAnywhere: SharedCounts;
  readonly #slowed: SharedCounts;

  constructor(opts: { perAccount: number; perAddress: number; perAccountAnywhere: number; windowSeconds: number }) {
    // indexed: an account's held places are listed for the console and cleared by an unlock
    this.#perAccountAddress = new SharedCounts('throttle.account', opts.perAccount, opts.windowSeconds, () => true, true);
    this.#perAddress = new SharedCounts('throttle.address', opts.perAddress, opts.windowSeconds, (address) => isIP(address) !== 0);
    this.#perAccountAnywhere = new SharedCounts('throttle.account-anywhere', opts.perAccountAnywhere, opts.windowSeconds);
    this.#slowed = new SharedCounts('throttle.account-slowed', 1, SLOW_PATH_SECONDS, () => true, true);
  }

  async assertAllowed(username: string, address: string | null): Promise<void> {
    const account = nameKey(username);
    const checks: Array<[SharedCounts, string]> = [
      [this.#perAccountAddress, pairKey(account, address)],
      [this.#slowed, account],
    ];
    if (address) checks.push([this.#perAddress, address]);
    for (const [counts, key] of checks) {
      const retryAfterSeconds = await counts.blockedFor(key);
      if (retryAfterSeconds !== null) throw tooManyAttempts(retryAfterSeconds);
    }
  }

  async recordFailure(username: string, address: string | null): Promise<void> {
    const account = nameKey(username);
    await this.#perAccountAddress.add(pairKey(account, address));
    if (address) await this.#perAddress.add(address);
    await this.#perAccountAnywhere.add(account);
    if ((await this.#perAccountAnywhere.blockedFor(account)) !== null) await this.#slowed.add(account);
  }

  /** The owner got in from here: this place's count starts again (the account-wide count runs out on its own). */
  async recordSuccess(username: string, address: string | null): Promise<void> {
    await this.#perAccountAddress.clear(pairKey(nameKey(username), address));
  }

  /**
   * The accounts held now (from any place), by login key, each with the seconds until it may try
   * again from the place held longest: what the console shows as 已锁定 (issue 17).
   */
  async lockouts(): Promise<Map<string, number>> {
    const held = new Map<string, number>();
    const note = (account: string, seconds: number | null) => {
      if (seconds !== null) held.set(account, Math.max(seconds, held.get(account) ?? 0));
    };
    for (const key of await this.#perAccountAddress.keysStartingWith('')) note(key.slice(0, key.indexOf(' ')), await this.#perAccountAddress.blockedFor(key));
    for (const key of await this.#slowed.keysStartingWith('')) note(key, await this.#slowed.blockedFor(key));
    return held;
  }

  /** An admin lets the account in again from everywhere: every count of it starts again. */
  async unlock(username: string): Promise<void> {
    const account = nameKey(username);
    for (const key of await this.#perAccountAddress.keysStartingWith(`${account} `)) await this.#perAccountAddress.clear(key);
    await this.#perAccountAnywhere.clear(account);
    await this.#slowed.clear(account);
  }

  /** Counts the other broker processes' failures too, and tells them of this one's. */
  shareWith(bus: ClusterBus): void {
    for (const counts of [this.#perAccountAddress, this.#perAddress, this.#perAccountAnywhere, this.#slowed]) counts.shareWith(bus);
  }
}

function pairKey(account: string, address: string | null): string {
  return `${account} ${address ?? 'unknown'}`;
}
