import { Client, InvalidCredentialsError, ResultCodeError, type Entry } from 'ldapts';
import type { IdentitySourceSettings } from '@yunzhuo/protocol/api/identity';
import { AppError } from '../lib/app-error.js';
import { dnKey, escapeDnValue, escapeFilterValue, fillTemplate, firstText } from './ldap-text.js';

export interface DirectoryUser {
  dn: string;
  login: string;
  displayName: string;
  /** every group the user is in, nested ones included, as `dnKey`s; none read (empty) when the source maps no group */
  groups: Set<string>;
}

export interface DirectoryProbe {
  /** at least one server answered (and took the service account) */
  ok: boolean;
  servers: { url: string; ok: boolean; ms: number; error: string | null }[];
  /** user entries the filter finds, as the service account sees them; null without one */
  users: number | null;
}

export type DirectoryCheck = { outcome: 'ok'; user: DirectoryUser } | { outcome: 'wrong-password' } | { outcome: 'no-such-user' } | { outcome: 'locked' };

/** AD: the in-chain matching rule finds nested groups in one search. */
const AD_IN_CHAIN = '1.2.840.113556.1.4.1941';
/** OpenLDAP: how deep the member walk goes (a cycle stops earlier: each group is visited once) */
const MAX_NESTING = 10;
const LOCK_ATTRIBUTES = { openldap: ['pwdAccountLockedTime'], ad: ['userAccountControl', 'lockoutTime'] } as const;
const AD_ACCOUNT_DISABLED = 0x2;

/**
 * One LDAP / Active Directory source, asked with ldapts: the first server, then the second when
 * the first does not answer (refused, timed out, TLS failed); an LDAP answer (wrong password,
 * no such entry) is final. Nothing is cached and no password is kept.
 */
export class LdapDirectory {
  constructor(
    private readonly settings: IdentitySourceSettings,
    private readonly servicePassword: string | null,
  ) {}

  async authenticate(login: string, password: string): Promise<DirectoryCheck> {
    // an empty password is an unauthenticated bind, which LDAP answers with success
    if (password.length === 0) return { outcome: 'wrong-password' };
    return this.#withServer(async (client) => {
      const found = await this.#findUser(client, login);
      if (!found) return { outcome: 'no-such-user' };
      const locked = this.#isLocked(found);
      try {
        await client.bind(found.dn, password);
      } catch (err) {
        if (err instanceof InvalidCredentialsError) return locked ? { outcome: 'locked' } : { outcome: 'wrong-password' };
        throw err;
      }
      // bound as the user: now its own entry can be read
      const entry = this.settings.bindMode === 'user' ? ((await this.#readEntry(client, found.dn)) ?? found) : found;
      if (locked || this.#isLocked(entry)) return { outcome: 'locked' };
      const text = (attribute: string) => firstText(entry[attribute]);
      return {
        outcome: 'ok',
        user: {
          dn: entry.dn,
          login: text(this.settings.loginAttribute) ?? login,
          displayName: text(this.settings.displayNameAttribute) ?? login,
          groups: await this.#mappedGroupsOf(client, entry.dn),
        },
      };
    });
  }

  /** Every user entry under the base DN (for the sync), as `dnKey`s; locked ones included. */
  async listUserDns(): Promise<Set<string>> {
    return this.#withServer(async (client) => {
      await this.#bindService(client);
      const filter = fillTemplate(this.settings.userFilter, '*');
      const { searchEntries } = await client.search(this.settings.baseDn, { scope: 'sub', filter, attributes: ['1.1'], paged: { pageSize: 500 } });
      return new Set(searchEntries.map((e) => dnKey(e.dn)));
    });
  }

  async #findUser(client: Client, login: string): Promise<Entry | null> {
    const attributes = this.#attributes();
    if (this.settings.bindMode === 'search') {
      await this.#bindService(client);
      const filter = fillTemplate(this.settings.userFilter, escapeFilterValue(login));
      const { searchEntries } = await client.search(this.settings.baseDn, { scope: 'sub', filter, attributes, sizeLimit: 2 });
      return searchEntries.length === 1 ? (searchEntries[0] ?? null) : null; // two entries for one login: refuse both
    }
    // bind as the user: the entry is read after the bind, as the user; before it only its DN is known
    const dn = fillTemplate(this.settings.userDnTemplate ?? '', escapeDnValue(login));
    return { dn, [this.settings.loginAttribute]: login } as Entry;
  }

  #attributes(): string[] {
    return [this.settings.loginAttribute, this.settings.displayNameAttribute, ...LOCK_ATTRIBUTES[this.settings.flavor]];
  }

  async #readEntry(client: Client, dn: string): Promise<Entry | null> {
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: this.#attributes() });
    return searchEntries[0] ?? null;
  }

  #isLocked(entry: Entry): boolean {
    if (this.settings.flavor === 'ad') {
      const control = Number(firstText(entry.userAccountControl) ?? 0);
      const lockout = Number(firstText(entry.lockoutTime) ?? 0);
      return (control & AD_ACCOUNT_DISABLED) !== 0 || lockout > 0;
    }
    return firstText(entry.pwdAccountLockedTime) !== null;
  }

  async #bindService(client: Client): Promise<void> {
    if (!this.settings.serviceDn || !this.servicePassword) throw new AppError('DIRECTORY_UNAVAILABLE', { reason: 'no service account' });
    try {
      await client.bind(this.settings.serviceDn, this.servicePassword);
    } catch (err) {
      if (err instanceof InvalidCredentialsError) throw new AppError('DIRECTORY_UNAVAILABLE', { reason: 'the service account was refused' });
      throw err;
    }
  }

  /**
   * The user's groups when the source maps any (nothing else reads them): a source with no group
   * mapping costs no rebind and no group search at each login (its clerks get the default roles).
   */
  async #mappedGroupsOf(client: Client, userDn: string): Promise<Set<string>> {
    if (this.settings.groupMappings.length === 0) return new Set();
    // groups are read as the service account where there is one (a user may not read groups)
    if (this.settings.bindMode === 'search') await this.#bindService(client);
    return this.#groupsOf(client, userDn);
  }

  async #groupsOf(client: Client, userDn: string): Promise<Set<string>> {
    const base = this.settings.groupBaseDn ?? this.settings.baseDn;
    if (this.settings.flavor === 'ad') {
      const { searchEntries } = await client.search(base, {
        scope: 'sub',
        filter: `(member:${AD_IN_CHAIN}:=${escapeFilterValue(userDn)})`,
        attributes: ['1.1'],
        paged: { pageSize: 500 },
      });
      return new Set(searchEntries.map((e) => dnKey(e.dn)));
    }
    const groups = new Set<string>();
    let frontier = [userDn];
    for (let depth = 0; depth < MAX_NESTING && frontier.length > 0; depth++) {
      const members = frontier.map((dn) => escapeFilterValue(dn));
      const filter = `(|${members.map((m) => `(member=${m})(uniqueMember=${m})`).join('')})`;
      const { searchEntries } = await client.search(base, { scope: 'sub', filter, attributes: ['1.1'], paged: { pageSize: 500 } });
      frontier = searchEntries.map((e) => e.dn).filter((dn) => !groups.has(dnKey(dn)));
      for (const dn of frontier) groups.add(dnKey(dn));
    }
    return groups;
  }

  /**
   * The console's 测试连接: every server in turn (not only the first that answers), each connected
   * (StartTLS / LDAPS as configured) and bound as the service account; the first that answers
   * also counts the user entries the filter finds (what a sync would check).
   */
  async probe(): Promise<DirectoryProbe> {
    const servers: DirectoryProbe['servers'] = [];
    let users: number | null = null;
    for (const url of this.settings.urls) {
      const t0 = performance.now();
      const client = await this.#connect(url).catch((err: unknown) => err as Error);
      try {
        if (client instanceof Error) throw client;
        if (this.settings.bindMode === 'search') {
          await this.#bindService(client);
          if (users === null) {
            const filter = fillTemplate(this.settings.userFilter, '*');
            const { searchEntries } = await client.search(this.settings.baseDn, { scope: 'sub', filter, attributes: ['1.1'], paged: { pageSize: 500 } });
            users = searchEntries.length;
          }
        } else {
          // no service account: the root DSE (readable anonymously) proves the server answers LDAP
          await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['namingContexts'] });
        }
        servers.push({ url, ok: true, ms: Math.round(performance.now() - t0), error: null });
      } catch (err) {
        const reason = err instanceof AppError ? String(err.details.reason ?? err.code) : (err as Error).message;
        servers.push({ url, ok: false, ms: Math.round(performance.now() - t0), error: reason.slice(0, 300) });
      } finally {
        if (!(client instanceof Error)) await client.unbind().catch(() => undefined);
      }
    }
    return { ok: servers.some((s) => s.ok), servers, users };
  }

  /** A client of `url`, StartTLS done when asked; the caller unbinds it. */
  async #connect(url: string): Promise<Client> {
    const ca = this.settings.caCertificate ? [this.settings.caCertificate] : undefined;
    const tlsOptions = { minVersion: 'TLSv1.2' as const, ...(ca ? { ca } : {}) };
    const client = new Client({
      url,
      timeout: this.settings.timeoutMs,
      connectTimeout: this.settings.timeoutMs,
      ...(url.startsWith('ldaps:') ? { tlsOptions } : {}),
    });
    try {
      if (this.settings.startTls && url.startsWith('ldap:')) await client.startTLS(tlsOptions);
      return client;
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw err;
    }
  }

  /** Runs `work` on the first server that answers; a server that does not is skipped. */
  async #withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const url of this.settings.urls) {
      let client: Client | null = null;
      try {
        client = await this.#connect(url);
        return await work(client);
      } catch (err) {
        if (err instanceof ResultCodeError || err instanceof AppError) throw err;
        lastError = err; // not an LDAP answer: the server is down or unreachable, try the next one
      } finally {
        await client?.unbind().catch(() => undefined);
      }
    }
    throw new AppError('DIRECTORY_UNAVAILABLE', { reason: lastError instanceof Error ? lastError.message : String(lastError) });
  }
}
