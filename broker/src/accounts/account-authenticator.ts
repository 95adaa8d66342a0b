import { groupLookup } from '../db/group-batch.js';
import { copyRow } from '../db/model-helpers.js';
import { AppError } from '../lib/app-error.js';
import { decoyHash, verifyPassword } from '../lib/passwords.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { DirectoryLogin } from '../identity/directory-login.js';
import { nameKey } from '@yunzhuo/protocol/api/names';
import { Account } from './account.model.js';

/**
 * Checks an account's password for the console and for window logins alike. A missing account
 * costs the same time as a wrong password; disabled and locked are only revealed to someone
 * who knows the password. An account an identity source vouches for (and, when sources exist,
 * a login name no account has) is checked by the directory instead (`DirectoryLogin`).
 */
export class AccountAuthenticator {
  /** accounts of logins arriving together (the 8:30 rush) are read in one query, by login key */
  readonly #byUsername = groupLookup(
    (keys: string[]) => Account.findAll({ where: { usernameKey: keys } }),
    (a) => a.usernameKey,
    copyRow,
  );

  constructor(
    private readonly throttle: LoginThrottle,
    private readonly directory: DirectoryLogin | null = null,
  ) {}

  async verify(username: string, password: string, address: string | null): Promise<Account> {
    await this.throttle.assertAllowed(username, address);
    // found whatever width or case was typed: ＡＤＭＩＮ and Admin are admin
    const account = await this.#byUsername.add(nameKey(username));
    // a local account (identitySourceId null) never waits on a directory
    if (this.directory && (!account || account.identitySourceId)) {
      const sources = await this.directory.sourcesFor(account ?? null);
      if (sources.length > 0) return this.#checkedByDirectory(this.directory, username, password, address, account ?? null, sources);
    }
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

  async #checkedByDirectory(
    directory: DirectoryLogin,
    username: string,
    password: string,
    address: string | null,
    account: Account | null,
    sources: Parameters<DirectoryLogin['login']>[3],
  ): Promise<Account> {
    let checked: Account;
    try {
      checked = await directory.login(username, password, account, sources, address);
    } catch (err) {
      // a directory that does not answer is no guess; a wrong password and a locked entry are
      if (err instanceof AppError && (err.code === 'INVALID_CREDENTIALS' || err.code === 'DIRECTORY_ACCOUNT_LOCKED'))
        await this.throttle.recordFailure(username, address);
      throw err;
    }
    await this.throttle.recordSuccess(username, address);
    if (checked.disabled) throw new AppError('ACCOUNT_DISABLED');
    if (checked.locked) throw new AppError('ACCOUNT_LOCKED');
    return checked;
  }
}
