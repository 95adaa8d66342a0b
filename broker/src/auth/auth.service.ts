import { Op } from 'sequelize';
import { sessionRestriction, type SessionRestriction } from '@yunzhuo/protocol/api/resources';
import type { Account } from '../accounts/account.model.js';
import { Account as AccountModel } from '../accounts/account.model.js';
import type { AccountAuthenticator } from '../accounts/account-authenticator.js';
import type { AuditService } from '../audit/audit.service.js';
import { AppError, isAppError } from '../lib/app-error.js';
import { hashPassword } from '../lib/passwords.js';
import type { Clock } from '../lib/clock.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import type { SiteTree } from '../sites/site-tree.js';
import type { Actor } from './actor.js';
import { AdminSession } from './admin-session.model.js';
import type { LoginThrottle } from './login-throttle.js';
import { isWorkOrderUser } from './policy.js';
import type { TotpService } from './totp.service.js';
import type { LoginRules } from '../identity/login-rules.js';

export interface ConsoleLogin {
  token: string;
  csrfToken: string;
  account: Account;
  expiresAt: Date;
  /** set when the session may only finish a step first (enroll TOTP) */
  restriction: SessionRestriction | null;
}

export interface SignedIn {
  actor: Actor;
  csrfToken: string;
  mustChangePassword: boolean;
  restriction: SessionRestriction | null;
}

/** Console sign-in: a random cookie token (stored hashed) plus a CSRF token for writes. */
export class AuthService {
  constructor(
    private readonly authenticator: AccountAuthenticator,
    private readonly siteTree: SiteTree,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly sessionHours: number,
    private readonly secondFactor: { totp: TotpService; throttle: LoginThrottle } | null = null,
    private readonly rules: LoginRules | null = null,
  ) {}

  async login(username: string, password: string, address: string | null, totpCode?: string): Promise<ConsoleLogin> {
    const account = await this.authenticator.verify(username, password, address);
    const actor = await this.actorFor(account, address);
    if (!isWorkOrderUser(actor)) throw new AppError('FORBIDDEN', { reason: 'clerk accounts sign in at a window, not in the console' });
    await this.#checkRules(account, actor, address);
    let restriction: SessionRestriction | null = null;
    if (this.secondFactor) {
      const { totp, throttle } = this.secondFactor;
      await totp.verifySignIn(account, totpCode).catch(async (err: unknown) => {
        // a wrong code counts like a wrong password: six digits are not guessed at leisure
        if (err instanceof AppError && err.code === 'TOTP_INVALID') await throttle.recordFailure(username, address);
        throw err;
      });
      // the password alone opens only the enrollment: the role needs a second factor it has not got yet
      if (!account.totpEnabled && totp.requiredFor(account.roles)) restriction = 'TOTP_ENROLLMENT_REQUIRED';
    }
    return this.#openSession(account, actor, address, restriction, 'password');
  }

  /**
   * A console session for an account someone else vouched for (OpenID Connect): the same checks
   * as a password sign-in after the password (enabled, console role, login rules), and the TOTP
   * policy: a code still to give (TOTP_REQUIRED) or an enrollment still to do.
   */
  async signInVerified(account: Account, address: string | null, via: 'oidc'): Promise<ConsoleLogin> {
    if (account.disabled) throw new AppError('ACCOUNT_DISABLED');
    if (account.locked) throw new AppError('ACCOUNT_LOCKED');
    const actor = await this.actorFor(account, address);
    if (!isWorkOrderUser(actor)) throw new AppError('FORBIDDEN', { reason: 'clerk accounts sign in at a window, not in the console' });
    await this.#checkRules(account, actor, address);
    const totp = this.secondFactor?.totp;
    let restriction: SessionRestriction | null = null;
    if (totp && account.totpEnabled) restriction = 'TOTP_REQUIRED';
    else if (totp?.requiredFor(account.roles)) restriction = 'TOTP_ENROLLMENT_REQUIRED';
    return this.#openSession(account, actor, address, restriction, via);
  }

  /** A session's second factor given after an OpenID Connect sign-in: the TOTP_REQUIRED restriction lifted. */
  async verifySessionTotp(token: string, account: Account, code: string): Promise<void> {
    if (!this.secondFactor) return;
    await this.secondFactor.totp.verifySignIn(account, code).catch(async (err: unknown) => {
      if (err instanceof AppError && err.code === 'TOTP_INVALID') await this.secondFactor?.throttle.recordFailure(account.username, null);
      throw err;
    });
    await AdminSession.update({ restriction: null }, { where: { tokenHash: sha256(token), restriction: 'TOTP_REQUIRED' } });
  }

  async #openSession(
    account: Account,
    actor: Actor,
    address: string | null,
    restriction: SessionRestriction | null,
    via: 'password' | 'oidc',
  ): Promise<ConsoleLogin> {
    const token = randomToken();
    const csrfToken = randomToken(24);
    const now = this.clock.now();
    const expiresAt = new Date(now + this.sessionHours * 3600_000);
    await AdminSession.create({ tokenHash: sha256(token), accountId: account.id, csrfToken, expiresAt, address, createdAt: new Date(now), restriction });
    await account.update({ lastLoginAt: new Date(now) });
    const details = { ...(restriction ? { restriction } : {}), ...(via !== 'password' ? { via } : {}) };
    await this.audit.record(actor, {
      action: 'auth.login',
      targetType: 'account',
      targetId: account.id,
      siteId: account.homeSiteId,
      ...(Object.keys(details).length > 0 ? { details } : {}),
    });
    return { token, csrfToken, account, expiresAt, restriction };
  }

  async #checkRules(account: Account, actor: Actor, address: string | null): Promise<void> {
    await this.rules?.checkConsole(account, address).catch(async (err: unknown) => {
      if (err instanceof AppError) {
        await this.audit.record(actor, {
          action: 'auth.login.refused',
          targetType: 'account',
          targetId: account.id,
          siteId: account.homeSiteId,
          details: { code: err.code, ...err.details },
        });
      }
      throw err;
    });
  }

  /** A restricted session counts as signed out unless `allowRestricted` (the HTTP middleware, which admits its few routes). */
  async authenticate(token: string, address: string | null, opts: { allowRestricted?: boolean } = {}): Promise<SignedIn | null> {
    const session = await AdminSession.findByPk(sha256(token));
    if (!session || session.expiresAt.getTime() <= this.clock.now()) return null;
    const restriction = sessionRestriction.safeParse(session.restriction);
    if (session.restriction !== null && (!restriction.success || !opts.allowRestricted)) return null;
    const account = await AccountModel.findByPk(session.accountId);
    if (!account || account.disabled || account.locked) return null;
    return {
      actor: await this.actorFor(account, address),
      csrfToken: session.csrfToken,
      mustChangePassword: account.mustChangePassword,
      restriction: restriction.success ? restriction.data : null,
    };
  }

  /** 修改密码: the signed-in user's own, checked against the current one (throttled like a sign-in). */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const account = await this.authenticator.verify(actor.username, currentPassword, actor.address).catch((err: unknown) => {
      // a wrong current password is a mistake in the form, not a signed-out session
      if (isAppError(err, 'INVALID_CREDENTIALS'))
        throw new AppError('VALIDATION_FAILED', { issues: [{ path: 'body.currentPassword', code: 'custom', message: '当前密码不正确' }] });
      throw err;
    });
    await account.update({ passwordHash: await hashPassword(newPassword), mustChangePassword: false });
    await this.audit.record(actor, { action: 'account.password-change', targetType: 'account', targetId: account.id, siteId: account.homeSiteId });
  }

  async logout(token: string, actor: Actor): Promise<void> {
    await AdminSession.destroy({ where: { tokenHash: sha256(token) } });
    await this.audit.record(actor, { action: 'auth.logout', targetType: 'account', targetId: actor.id });
  }

  async purgeExpired(): Promise<number> {
    return AdminSession.destroy({ where: { expiresAt: { [Op.lte]: new Date(this.clock.now()) } } });
  }

  async actorFor(account: Account, address: string | null): Promise<Actor> {
    return {
      id: account.id,
      username: account.username,
      displayName: account.displayName,
      roles: account.roles,
      homeSiteId: account.homeSiteId,
      scope: await this.siteTree.scopeFor(account.roles, account.homeSiteId),
      address,
    };
  }
}
