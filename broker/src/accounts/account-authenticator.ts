import { groupLookup } from '../db/group-batch.js';
import { copyRow } from '../db/model-helpers.js';
import { AppError } from '../lib/app-error.js';
import { decoyHash, verifyPassword } from '../lib/passwords.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { Account } from './account.model.js';

/**
 * Checks an account's password for the console and for window logins alike. A missing account
 * costs the same time as a wrong password; disabled and locked are only revealed to someone
 * who knows the password.
 */
export class AccountAuthenticator {
  /** accounts of logins arriving together (the 8:30 rush) are read in one query */
  readonly #byUsername = groupLookup((usernames: string[]) => Account.findAll({ where: { username: usernames } }), (a) => a.username, copyRow);

  constructor(private readonly throttle: LoginThrottle) {}

  async verify(username: string, password: string, address: string | null): Promise<Account> {
    await this.throttle.assertAllowed(username, address);
    const account = await this.#byUsername.add(username);
    // checked again, and the outcome counted, while the hash slot is held: parallel guesses queue
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()), {
      before: () => this.throttle.assertAllowed(username, address),
      after: (matched) => (account && matched ? this.throttle.recordSuccess(username) : this.throttle.recordFailure(username, address)),
    });
    if (!account || !ok) throw new AppError('INVALID_CREDENTIALS');
    if (account.disabled) throw new AppError('ACCOUNT_DISABLED');
    if (account.locked) throw new AppError('ACCOUNT_LOCKED');
    return account;
  }
}
