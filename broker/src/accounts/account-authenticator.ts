import { groupLookup } from '../db/group-batch.js';
import { copyRow } from '../db/model-helpers.js';
import { AppError } from '../lib/app-error.js';
import { decoyHash, verifyPassword } from '../lib/passwords.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { nameKey } from '@yunzhuo/protocol/api/names';
import { Account } from './account.model.js';

/**
 * Checks an account's password for the console and for window logins alike. A missing account
 * costs the same time as a wrong password; disabled and locked are only revealed to someone
 * who knows the password.
 */
export class AccountAuthenticator {
  /** accounts of logins arriving together (the 8:30 rush) are read in one query, by login key */
  readonly #byUsername = groupLookup((keys: string[]) => Account.findAll({ where: { usernameKey: keys } }), (a) => a.usernameKey, copyRow);

  constructor(private readonly throttle: LoginThrottle) {}

  async verify(username: string, password: string, address: string | null): Promise<Account> {
    await this.throttle.assertAllowed(username, address);
    // found whatever width or case was typed: ＡＤＭＩＮ and Admin are admin
    const account = await this.#byUsername.add(nameKey(username));
    // checked again, and the outcome counted, while the hash slot is held: parallel guesses queue
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()), {
      before: () => this.throttle.assertAllowed(username, address),
      after: (matched) => (account && matched ? this.throttle.recordSuccess(username, address) : this.throttle.recordFailure(username, address)),
    });
    if (!account || !ok) throw new AppError('INVALID_CREDENTIALS');
    if (account.disabled) throw new AppError('ACCOUNT_DISABLED');
    if (account.locked) throw new AppError('ACCOUNT_LOCKED');
    return account;
  }
}
