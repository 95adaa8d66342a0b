import { randomUUID } from 'node:crypto';
import { Op, UniqueConstraintError, type CreationAttributes, type Sequelize } from 'sequelize';
import { Account } from '../accounts/account.model.js';
import type { AccountAuthenticator } from '../accounts/account-authenticator.js';
import type { LoginRules } from '../identity/login-rules.js';
import type { AuditService } from '../audit/audit.service.js';
import { clerkActor, type Actor } from '../auth/actor.js';
import { GroupBatch, groupInsert, groupLookup } from '../db/group-batch.js';
import { copyRow } from '../db/model-helpers.js';
import { Desktop } from '../desktops/desktop.model.js';
import { AppError, isAppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Pool } from '../pools/pool.model.js';
import type { Terminal } from '../terminals/terminal.model.js';
import type { HallWindow } from '../windows/window.model.js';
import { dialectOf } from '../db/database.js';
import { claimFreeDesktop, claimOwnedDesktop, groupFreeClaims, releaseDesktop, type ClaimedDesktop } from './desktop-claim.js';
import type { LoginRows } from './login-rows.js';
import type { LiveTunnels } from './live-tunnels.js';
import { DesktopSession } from './session.model.js';
import type { SessionTransitions } from './session-transitions.js';
import type { IssuedToken, TunnelTokens } from './tunnel-tokens.js';

export interface WindowLogin {
  terminal: Terminal;
  username: string;
  password: string;
  poolId?: string | undefined;
  /** 「+ 其他部门」: pools the clerk already holds here, left out of the choice */
  exceptPoolIds?: readonly string[] | undefined;
  address: string | null;
  /** an account someone else vouched for at this terminal (single sign-on): no password to check */
  verified?: Account | undefined;
}

export interface BrokeredSession {
  session: DesktopSession;
  pool: Pool;
  tunnel: IssuedToken;
  reconnected: boolean;
  /** milliseconds spent checking the password and brokering (sent as Server-Timing) */
  timing?: { authMs: number; brokerMs: number };
}

/** how long a login waits for a concurrent login of the same clerk to create its session */
const JOIN_WAIT_MS = 2000;
const JOIN_POLL_MS = 25;

const liveKeyOf = (accountId: string, poolId: string) => `${accountId}:${poolId}`;

/** The unique `live_key` refused a session row: a concurrent login of the same clerk to the same pool won. */
function isLiveKeyClash(err: unknown): boolean {
  if (!(err instanceof UniqueConstraintError)) return false;
  const fields = Array.isArray(err.fields) ? (err.fields as string[]) : Object.keys(err.fields ?? {});
  return fields.some((field) => field === 'live_key' || field === 'liveKey');
}

/**
 * The brokering engine: a clerk's login at a terminal becomes a desktop session.
 * Order of the rules: authenticate → entitled pools → reconnect to the clerk's own live
 * session (roaming, takeover) → dedicated desktop → free floating desktop, claimed atomically.
 */
export class SessionEngine {
  /** sessions created by logins arriving together are inserted together; a clash (same clerk, same pool) fails only its own login */
  readonly #newSessions = groupInsert<CreationAttributes<DesktopSession>>((rows) => DesktopSession.bulkCreate(rows));
  /** the clerk's own live session in a pool, looked up for many logins at once (the 8:30 rush) */
  readonly #liveSessions = groupLookup(
    (keys: string[]) => DesktopSession.findAll({ where: { liveKey: keys } }),
    (s) => s.liveKey!,
    copyRow,
  );
  /** SQLite: free desktops for logins arriving together, claimed in one statement per pool and site (the writer is single) */
  readonly #freeClaims = groupFreeClaims(() => this.deps.sequelize);
  /** 最近登录 of the clerks of logins arriving together, in one UPDATE (the latest time of the group) */
  readonly #lastLogins = new GroupBatch<{ accountId: string; at: number }, void>(async (logins) => {
    const at = new Date(Math.max(...logins.map((login) => login.at)));
    await Account.update({ lastLoginAt: at }, { where: { id: [...new Set(logins.map((login) => login.accountId))] } });
    return logins.map(() => undefined);
  });

  constructor(
    private readonly deps: {
      sequelize: Sequelize;
      authenticator: AccountAuthenticator;
      transitions: SessionTransitions;
      tokens: TunnelTokens;
      tunnels: () => LiveTunnels;
      audit: AuditService;
      events: LiveEvents;
      clock: Clock;
      rows: LoginRows;
      /** login rules (window sites, hours); none when the broker is built without them */
      rules?: LoginRules;
    },
  ) {}

  async login(req: WindowLogin): Promise<BrokeredSession> {
    let account: Account;
    const t0 = performance.now();
    try {
      account = req.verified ?? (await this.deps.authenticator.verify(req.username, req.password, req.address));
    } catch (err) {
      if (isAppError(err)) await this.refuse(req, err, null);
      throw err;
    }
    try {
      await this.deps.rules?.checkWindow(account, req.terminal.siteId);
    } catch (err) {
      if (isAppError(err)) await this.refuse(req, err, account);
      throw err;
    }
    const t1 = performance.now();
    try {
      // 最近登录 in the console counts a clerk's window logins too (issue 17); stored beside the session's last writes
      const lastLogin = () => this.#lastLogins.add({ accountId: account.id, at: this.deps.clock.now() });
      const result = await this.broker(account, req.terminal, req.poolId, req.exceptPoolIds ?? [], req.address, lastLogin);
      return { ...result, timing: { authMs: t1 - t0, brokerMs: performance.now() - t1 } };
    } catch (err) {
      if (isAppError(err)) await this.refuse(req, err, account);
      throw err;
    }
  }

  /** Everything after the password check; the part the 8:30 rush benchmark times. */
  async broker(
    account: Account,
    terminal: Terminal,
    poolId?: string,
    exceptPoolIds: readonly string[] = [],
    address: string | null = null,
    /** a write of the caller's, made once the session is stored, together with its audit row and token */
    alongside: () => Promise<unknown> = async () => undefined,
  ): Promise<BrokeredSession> {
    const window = terminal.windowId ? await this.deps.rows.window(terminal.windowId) : null;
    const pool = await this.choosePool(account, window, poolId, exceptPoolIds);
    const clerk = clerkActor(account, address);
    const sqlite = dialectOf(this.deps.sequelize) === 'sqlite';
    // SQLite, an open floating pool: the grouped claim itself passes over a clerk who holds a live
    // session here, so the 8:30 rush makes one wait for its desktop, not a lookup and then a claim;
    // the lookup follows only a login the claim gave nothing (reconnect, else the pool is exhausted)
    const claimFirst = sqlite && pool.kind === 'floating' && pool.state === 'active';
    if (!claimFirst) {
      const reconnect = await this.reconnect(account, pool, terminal, window, clerk, alongside);
      if (reconnect) return reconnect;
    }
    if (pool.state !== 'active') throw new AppError('POOL_UNAVAILABLE', { poolId: pool.id, poolName: pool.name, state: pool.state });

    const sessionId = randomUUID();
    const now = new Date(this.deps.clock.now());
    const claimParams = { sequelize: this.deps.sequelize, sessionId, accountId: account.id, now };
    let desktop: ClaimedDesktop | null = null;
    /** a dedicated desktop given to this clerk by this very login (undone if the login loses) */
    let newlyOwned = false;
    if (pool.kind === 'dedicated') desktop = await claimOwnedDesktop(this.deps.sequelize, { poolId: pool.id, ...claimParams });
    const claim = { pool, siteId: terminal.siteId, sessionId, accountId: account.id, now };
    if (!desktop && (pool.kind === 'floating' || !(await this.ownsDesktop(account.id, pool.id)))) {
      const first = claimFirst ? { ...claim, liveKey: liveKeyOf(account.id, pool.id) } : claim;
      // PostgreSQL: each claim on its own connection, concurrent claims skip each other's locked rows
      desktop = sqlite ? await this.#freeClaims.add(first) : await claimFreeDesktop(this.deps.sequelize, first);
      newlyOwned = desktop !== null && pool.kind === 'dedicated';
    }
    if (!desktop && claimFirst) {
      const reconnect = await this.reconnect(account, pool, terminal, window, clerk, alongside);
      if (reconnect) return reconnect;
      // the live session the claim passed the clerk over for ended in between: a claim like anyone's
      desktop = await this.#freeClaims.add(claim);
    }
    if (!desktop && pool.kind === 'dedicated') {
      // the clerk's own desktop is held: by a concurrent login of the same clerk, still creating its session?
      const joined = await this.joinLoginInFlight(account, pool, terminal, window, clerk, alongside);
      if (joined) return joined;
    }
    if (!desktop) throw await this.exhausted(pool, account);

    const session = DesktopSession.build({
      id: sessionId,
      accountId: account.id,
      poolId: pool.id,
      desktopId: desktop.id,
      terminalId: terminal.id,
      windowId: window?.id ?? null,
      siteId: terminal.siteId,
      departmentId: pool.departmentId,
      gatewayId: null,
      state: 'requested',
      endReason: null,
      liveKey: liveKeyOf(account.id, pool.id),
      requestedAt: now,
      connectingAt: null,
      activeAt: null,
      disconnectedAt: null,
      endedAt: null,
      lastActivityAt: now,
      recordingPath: null,
      guacConnectionId: null,
      brokerInstance: null,
    });
    try {
      await this.#newSessions.add(session.get({ plain: true }));
      // stored as built (createdAt/updatedAt were set by the insert, not on this copy, which nothing saves)
      session.isNewRecord = false;
    } catch (err) {
      const giveBack = () => releaseDesktop(this.deps.sequelize, desktop.id, sessionId, now, 'free', { disownFrom: newlyOwned ? account.id : undefined });
      if (isLiveKeyClash(err)) {
        // the same clerk won a concurrent login for this pool: give the desktop back, join that session
        await giveBack();
        const again = await this.reconnect(account, pool, terminal, window, clerk, alongside);
        if (again) return again;
      } else if ((await DesktopSession.count({ where: { id: sessionId } }).catch(() => 1)) === 0) {
        // the row was not stored (not merely its answer lost): the desktop goes back; when unsure the reconciler decides
        await giveBack();
      }
      throw err;
    }
    // three independent writes after the session row, each joining its own group: one wait, not three
    const [, tunnel] = await Promise.all([this.deps.transitions.announce(session, clerk), this.deps.tokens.issue(session.id, terminal.id), alongside()]);
    return { session, pool, tunnel, reconnected: false };
  }

  private async choosePool(account: Account, window: HallWindow | null, poolId: string | undefined, exceptPoolIds: readonly string[]): Promise<Pool> {
    const entitled = await this.deps.rows.pools(account.id);
    if (!poolId && exceptPoolIds.length > 0) {
      // 「+ 其他部门」 asks for another department's desktop: never the one held, never narrowed by the window
      const others = entitled.filter((p) => !exceptPoolIds.includes(p.id));
      if (others.length === 0) throw new AppError('NO_OTHER_POOL', { held: exceptPoolIds.length });
      if (others.length === 1) return others[0]!;
      throw new AppError('POOL_CHOICE_REQUIRED', { pools: others.map((p) => ({ id: p.id, name: p.name, departmentId: p.departmentId })) });
    }
    const pools = entitled;
    if (poolId) {
      const pool = pools.find((p) => p.id === poolId);
      if (!pool) throw new AppError('NOT_ENTITLED', { poolId });
      return pool;
    }
    if (pools.length === 0) throw new AppError('NOT_ENTITLED', { reason: 'no pool for this account' });
    if (pools.length === 1) return pools[0]!;
    // a window dedicated to a department narrows the choice to that department's pools
    const narrowed = window?.departmentId ? pools.filter((p) => p.departmentId === window.departmentId) : [];
    if (narrowed.length === 1) return narrowed[0]!;
    throw new AppError('POOL_CHOICE_REQUIRED', {
      pools: pools.map((p) => ({ id: p.id, name: p.name, departmentId: p.departmentId })),
    });
  }

  /** The clerk's own live session in this pool, moved to this terminal (roaming / takeover). */
  private async reconnect(
    account: Account,
    pool: Pool,
    terminal: Terminal,
    window: HallWindow | null,
    clerk: Actor,
    alongside: () => Promise<unknown> = async () => undefined,
  ): Promise<BrokeredSession | null> {
    const session = await this.#liveSessions.add(liveKeyOf(account.id, pool.id));
    if (!session) return null;
    if (session.terminalId && session.terminalId !== terminal.id) {
      const where = window ? `窗口 ${window.code}` : `终端 ${terminal.name}`;
      this.deps
        .tunnels()
        .closeSession(session.id, 'taken-over', `已在${where}登录 / signed in at ${window ? `window ${window.code}` : terminal.name}`, terminal.id);
    }
    await session.update({ terminalId: terminal.id, windowId: window?.id ?? null, siteId: terminal.siteId, lastActivityAt: new Date(this.deps.clock.now()) });
    await this.deps.audit.record(clerk, {
      action: 'session.reconnect',
      targetType: 'session',
      targetId: session.id,
      siteId: terminal.siteId,
      details: { accountId: account.id, terminalId: terminal.id, windowId: window?.id ?? null },
    });
    const [, tunnel] = await Promise.all([
      this.deps.transitions.announce(session, clerk, 'reconnect'),
      this.deps.tokens.issue(session.id, terminal.id),
      alongside(),
    ]);
    return { session, pool, tunnel, reconnected: true };
  }

  /**
   * Between claiming a dedicated desktop and inserting its session a login holds the desktop
   * with no session row yet; a second login of the same clerk waits briefly for that row and
   * joins it, instead of being told its desktop is unavailable.
   */
  private async joinLoginInFlight(
    account: Account,
    pool: Pool,
    terminal: Terminal,
    window: HallWindow | null,
    clerk: Actor,
    alongside: () => Promise<unknown>,
  ): Promise<BrokeredSession | null> {
    const held = await Desktop.findOne({ where: { poolId: pool.id, ownerAccountId: account.id, sessionId: { [Op.ne]: null } } });
    if (!held) return null;
    // a race resolving itself within milliseconds, not a business timer: real time, not the Clock
    for (let waited = 0; waited < JOIN_WAIT_MS; waited += JOIN_POLL_MS) {
      // only a login still between its claim and its insert is worth waiting for
      const inserted = (await DesktopSession.count({ where: { id: held.sessionId! } })) > 0;
      const joined = await this.reconnect(account, pool, terminal, window, clerk, alongside);
      if (joined || inserted) return joined;
      await new Promise((resolve) => setTimeout(resolve, JOIN_POLL_MS));
    }
    return null;
  }

  private async ownsDesktop(accountId: string, poolId: string): Promise<boolean> {
    return (await Desktop.count({ where: { poolId, ownerAccountId: accountId } })) > 0;
  }

  private async exhausted(pool: Pool, account: Account): Promise<AppError> {
    if (pool.kind === 'dedicated' && (await this.ownsDesktop(account.id, pool.id))) {
      return new AppError('DESKTOP_UNAVAILABLE', { poolId: pool.id, poolName: pool.name, reason: 'your dedicated desktop is not available' });
    }
    const inUse = await DesktopSession.count({ where: { poolId: pool.id, state: ['requested', 'connecting', 'active', 'disconnected'] } });
    const total = await Desktop.count({ where: { poolId: pool.id } });
    return new AppError('POOL_EXHAUSTED', { poolId: pool.id, poolName: pool.name, inUse, total, maxSessions: pool.maxSessions });
  }

  /** Every refusal is logged with its reason, so an admin can see why a clerk got no desktop. */
  private async refuse(req: WindowLogin, err: AppError, account: Account | null): Promise<void> {
    if (err.code === 'POOL_CHOICE_REQUIRED') return;
    // the login as typed, when no account answers to it
    const who = clerkActor(account ?? { id: '', username: req.username, displayName: req.username }, req.address);
    await this.deps.audit.record(who, {
      action: 'login.refused',
      targetType: 'account',
      targetId: account?.id ?? null,
      siteId: req.terminal.siteId,
      details: {
        code: err.code,
        username: req.username,
        terminalId: req.terminal.id,
        windowId: req.terminal.windowId,
        poolId: req.poolId ?? null,
        ...err.details,
      },
    });
    this.deps.events.publish('login.refused', {
      code: err.code,
      username: req.username,
      terminalId: req.terminal.id,
      siteId: req.terminal.siteId,
      poolId: req.poolId ?? null,
    });
  }
}
