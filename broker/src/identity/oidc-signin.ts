import { Op, type Sequelize } from 'sequelize';
import * as oidc from 'openid-client';
import type { z } from 'zod';
import type { oidcSourceTestOut } from '@yunzhuo/protocol/api/oidc';
import { nameKey, usernameSchema } from '@yunzhuo/protocol/api/names';
import { Account } from '../accounts/account.model.js';
import { setAccountLinks } from '../accounts/account.resource.js';
import { systemActor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import { sha256 } from '../lib/tokens.js';
import { SiteTree } from '../sites/site-tree.js';
import { grantsOfClaims, stringClaim, type ClaimGrants } from './oidc-claims.js';
import { OidcLogin, OidcSource, REDIRECT_PURPOSES } from './oidc-source.model.js';
import { OidcFailure, recordOidcRefusal } from './oidc-refusal.js';
import { OidcWindowTickets } from './oidc-window-tickets.js';

/** how long a redirect to the provider may take, ms (a person typing a password and a code) */
const PENDING_MS = 10 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A callback that passed: the account, and where its browser goes (`qr`: `returnTo` is the QR code's row key) */
export interface OidcFinished {
  account: Account;
  returnTo: string;
  terminalId: string | null;
  sourceId: string;
  qr: boolean;
}

/**
 * OpenID Connect sign-in with openid-client: authorization code + PKCE (S256), state and nonce,
 * the ID token checked against the provider's keys, the claims mapped to departments, pools and
 * roles. The state, nonce and verifier of a redirect live in `oidc_logins` and are used once.
 */
export class OidcSignIn {
  readonly #configs = new Map<string, { stamp: number; config: Promise<oidc.Configuration> }>();
  /** the window's side: a sign-in taken as a one-time ticket its terminal redeems */
  readonly window: OidcWindowTickets;

  constructor(private readonly deps: { sequelize: Sequelize; secrets: SecretBox; audit: AuditService; clock: Clock }) {
    this.window = new OidcWindowTickets(deps);
  }

  /** The provider's authorization URL for a sign-in at `sourceId`: the console's, or a window's (`terminalId`). */
  async start(sourceId: string, returnTo: string, terminalId: string | null = null, purpose?: 'qr-redirect'): Promise<string> {
    const source = await OidcSource.findByPk(sourceId);
    if (!source?.enabled) throw new AppError('NOT_FOUND', { resource: 'oidc-source', id: sourceId });
    const config = await this.#configOf(source);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const now = this.deps.clock.now();
    await OidcLogin.destroy({ where: { expiresAt: { [Op.lte]: new Date(now) } } });
    await OidcLogin.create({
      stateHash: sha256(state),
      sourceId: source.id,
      nonce,
      codeVerifier,
      purpose: purpose ?? (terminalId ? 'window' : 'console'),
      returnTo,
      terminalId,
      accountId: null,
      expiresAt: new Date(now + PENDING_MS),
      createdAt: new Date(now),
    });
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: source.settings.redirectUri,
      scope: source.settings.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }).href;
  }

  /** The enabled providers of a site: its own, an ancestor's (the county's) and county-wide ones. */
  async sourcesAtSite(siteId: string): Promise<{ id: string; name: string; qr: boolean }[]> {
    const siteIds = await new SiteTree().ancestry(siteId);
    const sources = await OidcSource.findAll({
      where: { enabled: true, [Op.or]: [{ siteId: null }, { siteId: { [Op.in]: siteIds } }] },
      order: [['name', 'ASC']],
    });
    return sources.map((s) => ({ id: s.id, name: s.name, qr: s.settings.allowQr ?? false }));
  }

  /** 测试连接 from the console: the provider's discovery document read now (not the cached one). */
  async probe(source: OidcSource): Promise<z.output<typeof oidcSourceTestOut>> {
    const t0 = performance.now();
    this.#configs.delete(source.id);
    try {
      const meta = (await this.#configOf(source)).serverMetadata();
      return { ok: true, ms: Math.round(performance.now() - t0), issuer: meta.issuer, authorizationEndpoint: meta.authorization_endpoint ?? null, error: null };
    } catch (err) {
      const reason = err instanceof AppError ? String(err.details.reason ?? err.code) : (err as Error).message;
      return { ok: false, ms: Math.round(performance.now() - t0), issuer: null, authorizationEndpoint: null, error: reason.slice(0, 300) };
    }
  }

  /**
   * The provider's redirect back (`search`: its query string): the account it vouches for. A
   * refusal is an `OidcFailure` that knows where the browser came from (the page to send it back to).
   */
  async finish(search: string, address: string | null): Promise<OidcFinished> {
    const state = new URLSearchParams(search).get('state') ?? '';
    const found = await OidcLogin.findByPk(sha256(state));
    // a ticket's or a shown QR code's key is no state (a QR id is on a screen in the hall)
    const pending = found && REDIRECT_PURPOSES.includes(found.purpose) ? found : null;
    // used once: whoever deletes the row owns the sign-in (two callbacks at once cannot both pass)
    const taken = pending ? await OidcLogin.destroy({ where: { stateHash: pending.stateHash } }) : 0;
    if (!pending || taken !== 1 || pending.expiresAt.getTime() <= this.deps.clock.now()) {
      throw new OidcFailure(new AppError('OIDC_STATE_INVALID'), pending?.returnTo ?? null, pending?.purpose === 'qr-redirect');
    }
    try {
      return await this.#finishPending(pending, search, address);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code !== 'OIDC_NOT_MAPPED') await recordOidcRefusal(this.deps.audit, pending, address, { code: err.code, reason: err.details.reason ?? null });
      throw new OidcFailure(err, pending.returnTo, pending.purpose === 'qr-redirect');
    }
  }

  async #finishPending(pending: OidcLogin, search: string, address: string | null): Promise<OidcFinished> {
    const source = await OidcSource.findByPk(pending.sourceId);
    if (!source?.enabled) throw new AppError('OIDC_STATE_INVALID');
    const config = await this.#configOf(source);
    // the callback as registered (not as a proxy may have rewritten it), with the provider's answer
    const callbackUrl = new URL(source.settings.redirectUri);
    callbackUrl.search = search;
    const claims = await this.#claims(config, callbackUrl, pending);
    const grants = grantsOfClaims(source.settings, claims);
    const subject = stringClaim(claims, 'sub');
    if (!grants || !subject) {
      const username = stringClaim(claims, source.settings.usernameClaim);
      await recordOidcRefusal(this.deps.audit, pending, address, { code: 'OIDC_NOT_MAPPED', subject, username }, source.siteId);
      throw new AppError('OIDC_NOT_MAPPED', { source: source.name });
    }
    return {
      account: await this.#provision(source, subject, claims, grants, address),
      returnTo: pending.returnTo,
      terminalId: pending.terminalId,
      sourceId: source.id,
      qr: pending.purpose === 'qr-redirect',
    };
  }

  async #claims(config: oidc.Configuration, callbackUrl: URL, pending: OidcLogin): Promise<Record<string, unknown>> {
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: callbackUrl.searchParams.get('state') ?? undefined,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new AppError('OIDC_SIGN_IN_FAILED', { reason: 'no ID token' });
      // a provider may keep profile claims (groups) for the userinfo endpoint
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub).catch(() => ({}));
      return { ...info, ...idClaims };
    } catch (err) {
      if (err instanceof AppError) throw err;
      // openid-client's cause says which check failed ('unexpected ID Token "nonce" claim value')
      const cause: unknown = (err as { cause?: unknown }).cause;
      const reason = cause instanceof Error ? cause.message : (err as Error).message;
      throw new AppError('OIDC_SIGN_IN_FAILED', { reason: reason.slice(0, 200) });
    }
  }

  async #configOf(source: OidcSource): Promise<oidc.Configuration> {
    const stamp = source.updatedAt.getTime();
    const cached = this.#configs.get(source.id);
    if (cached?.stamp === stamp) return cached.config;
    const issuer = new URL(source.settings.issuer);
    const secret = source.clientSecretEnc ? this.deps.secrets.decrypt(source.clientSecretEnc) : undefined;
    // plain http only to a provider on this machine (tests, a local proxy); anything else must be https
    const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
    // the ID token's signature is checked against the provider's keys too (openid-client trusts the
    // token endpoint's TLS alone by default): a token altered or signed with another key is refused
    const execute = insecure ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks];
    const config = oidc.discovery(issuer, source.settings.clientId, secret, undefined, { execute });
    this.#configs.set(source.id, { stamp, config });
    return config.catch((err: unknown) => {
      this.#configs.delete(source.id);
      throw new AppError('OIDC_PROVIDER_UNAVAILABLE', { source: source.name, reason: (err as Error).message.slice(0, 200) });
    });
  }

  /** The account the provider vouches for (by `sub`), made at the first sign-in; grants follow the claims each time. */
  async #provision(source: OidcSource, subject: string, claims: Record<string, unknown>, grants: ClaimGrants, address: string | null): Promise<Account> {
    const displayName = (stringClaim(claims, source.settings.displayNameClaim) ?? subject).slice(0, 200);
    const username = usernameSchema.safeParse(stringClaim(claims, source.settings.usernameClaim) ?? '');
    return writeTransaction(this.deps.sequelize, async (transaction) => {
      const existing = await Account.findOne({ where: { identitySourceId: source.id, externalDn: subject }, transaction });
      const links = { departmentIds: grants.departmentIds, poolIds: grants.poolIds };
      if (existing) {
        await existing.update({ displayName, roles: grants.roles }, { transaction });
        await setAccountLinks(existing.id, links, transaction);
        return existing;
      }
      if (!username.success) throw new AppError('OIDC_NOT_MAPPED', { source: source.name, reason: `no usable ${source.settings.usernameClaim} claim` });
      if (await Account.findOne({ where: { usernameKey: nameKey(username.data) }, transaction })) {
        throw new AppError('CONFLICT', { reason: `an account named ${username.data} already exists` });
      }
      const created = await Account.create(
        {
          username: username.data,
          displayName,
          roles: grants.roles,
          passwordHash: '!oidc', // no scrypt hash: never a local password
          homeSiteId: source.siteId,
          identitySourceId: source.id,
          externalDn: subject,
          lastLoginAt: null,
        },
        { transaction },
      );
      await setAccountLinks(created.id, links, transaction);
      await this.deps.audit.record(
        systemActor(address),
        {
          action: 'account.provision',
          targetType: 'account',
          targetId: created.id,
          siteId: created.homeSiteId,
          after: { username: created.username, roles: grants.roles, ...links },
          details: { oidcSourceId: source.id, subject },
        },
        transaction,
      );
      return created;
    });
  }
}
