import { Op, type Sequelize } from 'sequelize';
import type { Role } from '@yunzhuo/protocol/api/common';
import type { IdentitySourceSettings } from '@yunzhuo/protocol/api/identity';
import { nameKey, usernameSchema } from '@yunzhuo/protocol/api/names';
import { Account, AccountDepartment, AccountPool } from '../accounts/account.model.js';
import { setAccountLinks } from '../accounts/account.resource.js';
import { systemActor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { GroupBatch, groupLookup } from '../db/group-batch.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { SecretBox } from '../lib/secret-box.js';
import { Semaphore } from '../lib/semaphore.js';
import { IdentitySource } from './identity-source.model.js';
import { LdapDirectory, type DirectoryUser } from './ldap-directory.js';
import { dnKey } from './ldap-text.js';

/**
 * At most this many directory checks at once per broker, the rest wait their turn (like the password
 * hash slots): 250 clerks at 8:30 do not open 250 connections to the county's domain controller, and
 * the broker's event loop is not flooded with LDAP traffic while it assigns desktops.
 */
const DIRECTORY_CHECKS = 4;

/** The password hash of an account a directory vouches for: no scrypt hash, so never a local password. */
export const DIRECTORY_PASSWORD_MARK = '!directory';

interface Grants {
  departmentIds: string[];
  poolIds: string[];
  roles: Role[];
}

/** What the user's groups (nested included) map to; roles fall back to the source's defaults. */
export function grantsOf(settings: IdentitySourceSettings, groups: ReadonlySet<string>): Grants & { mapped: boolean } {
  const hits = settings.groupMappings.filter((m) => groups.has(dnKey(m.groupDn)));
  const roles = [...new Set(hits.flatMap((m) => m.roles))];
  return {
    departmentIds: [...new Set(hits.flatMap((m) => m.departmentIds))],
    poolIds: [...new Set(hits.flatMap((m) => m.poolIds))],
    roles: roles.length > 0 ? roles : settings.defaultRoles,
    mapped: settings.groupMappings.length > 0,
  };
}

/**
 * Logins checked by identity sources instead of a local password: an account a source vouches
 * for is asked of that source only; a login name no account has is asked of every enabled
 * source in turn, and the first that knows it creates the account (just in time). Departments,
 * pools and roles follow the source's group mapping at every login. No directory password is stored.
 */
export class DirectoryLogin {
  /** directory checks under way at once (each one a connection, a search and a bind) */
  readonly #checks = new Semaphore(DIRECTORY_CHECKS);
  /**
   * the source of each vouched-for account, read for logins arriving together in one query (the
   * 8:30 rush: 250 clerks of one source are one read, not 250 on SQLite's one connection, ahead of
   * the brokering of the clerks already checked); read afresh for every group, never cached
   */
  readonly #sources = groupLookup(
    (ids: string[]) => IdentitySource.findAll({ where: { id: ids } }),
    (source) => source.id,
  );
  /** the departments and pools the accounts of logins arriving together hold now, one query each per group */
  readonly #links = {
    departments: groupLinks(
      (accountIds) => AccountDepartment.findAll({ where: { accountId: accountIds }, attributes: ['accountId', 'departmentId'] }),
      (link) => link.departmentId,
    ),
    pools: groupLinks(
      (accountIds) => AccountPool.findAll({ where: { accountId: accountIds }, attributes: ['accountId', 'poolId'] }),
      (link) => link.poolId,
    ),
  };
  /** the service password is decrypted once per source row read, not once per login */
  readonly #directories = new WeakMap<IdentitySource, LdapDirectory>();

  constructor(private readonly deps: { sequelize: Sequelize; secrets: SecretBox; audit: AuditService }) {}

  directoryOf(source: IdentitySource): LdapDirectory {
    return new LdapDirectory(source.settings, source.servicePasswordEnc ? this.deps.secrets.decrypt(source.servicePasswordEnc) : null);
  }

  /** The directory of a source row read for a login; logins sharing the row (read in one group) share it, no longer. */
  #directoryFor(source: IdentitySource): LdapDirectory {
    let directory = this.#directories.get(source);
    if (!directory) this.#directories.set(source, (directory = this.directoryOf(source)));
    return directory;
  }

  /** The sources to ask for this login; none means the local password decides. */
  async sourcesFor(account: Account | null): Promise<IdentitySource[]> {
    if (account) {
      if (!account.identitySourceId) return [];
      const source = await this.#sources.add(account.identitySourceId);
      // a vouched-for account whose source is gone or switched off has no password to check
      if (!source?.enabled) throw new AppError('INVALID_CREDENTIALS');
      return [source];
    }
    return IdentitySource.findAll({
      where: { enabled: true },
      order: [
        ['createdAt', 'ASC'],
        ['id', 'ASC'],
      ],
    });
  }

  async login(username: string, password: string, account: Account | null, sources: IdentitySource[], address: string | null): Promise<Account> {
    let unavailable: AppError | null = null;
    for (const source of sources) {
      try {
        const check = await this.#checks.run(() => this.#directoryFor(source).authenticate(username, password));
        if (check.outcome === 'ok') return await this.#provision(source, check.user, username, account, address);
        if (check.outcome === 'locked') throw new AppError('DIRECTORY_ACCOUNT_LOCKED', { source: source.name });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'DIRECTORY_UNAVAILABLE') throw err;
        unavailable = err; // another source may still know the login
      }
    }
    throw unavailable ?? new AppError('INVALID_CREDENTIALS');
  }

  async #provision(source: IdentitySource, user: DirectoryUser, typed: string, existing: Account | null, address: string | null): Promise<Account> {
    const grants = grantsOf(source.settings, user.groups);
    const fields = { displayName: user.displayName.slice(0, 200), roles: grants.roles, externalDn: user.dn };
    const links = grants.mapped ? { departmentIds: grants.departmentIds, poolIds: grants.poolIds } : {};
    const actor = systemActor(address);
    // the 8:30 rush: clerks whose entry and groups are as at their last login cost no write (SQLite has one writer)
    if (existing && (await unchanged(existing, fields, links, this.#links))) return existing;
    try {
      return await writeTransaction(this.deps.sequelize, async (transaction) => {
        const account = existing ?? (await Account.findOne({ where: { usernameKey: nameKey(typed), identitySourceId: { [Op.ne]: null } }, transaction }));
        if (account) {
          await account.update(fields, { transaction });
          await setAccountLinks(account.id, links, transaction);
          return account;
        }
        const created = await Account.create(
          {
            ...fields,
            username: usernameFor(user.login, typed),
            passwordHash: DIRECTORY_PASSWORD_MARK,
            homeSiteId: source.siteId,
            identitySourceId: source.id,
            lastLoginAt: null,
          },
          { transaction },
        );
        await setAccountLinks(created.id, { departmentIds: grants.departmentIds, poolIds: grants.poolIds }, transaction);
        await this.deps.audit.record(
          actor,
          {
            action: 'account.provision',
            targetType: 'account',
            targetId: created.id,
            siteId: created.homeSiteId,
            after: { username: created.username, roles: grants.roles, departmentIds: grants.departmentIds, poolIds: grants.poolIds },
            details: { identitySourceId: source.id, dn: user.dn },
          },
          transaction,
        );
        return created;
      });
    } catch (err) {
      // the same clerk's first login twice at once: the other one made the account
      if ((err as Error).name === 'SequelizeUniqueConstraintError' && !existing) {
        const made = await Account.findOne({ where: { usernameKey: nameKey(typed), identitySourceId: source.id } });
        if (made) return made;
      }
      throw err;
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const [x, y] = [new Set(a), new Set(b)];
  return x.size === y.size && [...x].every((v) => y.has(v));
}

/** Each account's linked ids (departments or pools), for logins arriving together in one query. */
function groupLinks<Row extends { accountId: string }>(
  find: (accountIds: string[]) => Promise<Row[]>,
  idOf: (row: Row) => string,
): GroupBatch<string, string[]> {
  return new GroupBatch<string, string[]>(async (accountIds) => {
    const byAccount = new Map<string, string[]>();
    for (const row of await find([...new Set(accountIds)])) byAccount.set(row.accountId, [...(byAccount.get(row.accountId) ?? []), idOf(row)]);
    return accountIds.map((id) => byAccount.get(id) ?? []);
  });
}

/** Whether the account already holds these fields and links (read only, outside any transaction). */
async function unchanged(
  account: Account,
  fields: { displayName: string; roles: Role[]; externalDn: string },
  links: Partial<Grants>,
  held: { departments: GroupBatch<string, string[]>; pools: GroupBatch<string, string[]> },
): Promise<boolean> {
  if (account.displayName !== fields.displayName || account.externalDn !== fields.externalDn || !sameSet(account.roles, fields.roles)) return false;
  const [departmentIds, poolIds] = await Promise.all([
    links.departmentIds ? held.departments.add(account.id) : null,
    links.poolIds ? held.pools.add(account.id) : null,
  ]);
  return (!departmentIds || sameSet(departmentIds, links.departmentIds!)) && (!poolIds || sameSet(poolIds, links.poolIds!));
}

/** The directory's spelling of the login when it is the same name as typed, else what was typed. */
function usernameFor(directoryLogin: string, typed: string): string {
  const fromDirectory = usernameSchema.safeParse(directoryLogin);
  if (fromDirectory.success && nameKey(fromDirectory.data) === nameKey(typed)) return fromDirectory.data;
  const fromTyped = usernameSchema.safeParse(typed);
  if (!fromTyped.success) throw new AppError('INVALID_CREDENTIALS');
  return fromTyped.data;
}
