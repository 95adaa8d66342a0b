import type { CookieOptions, Response, Router } from 'express';
import { z } from 'zod';
import { loginBody, meOut, passwordChangeBody, totpConfirmBody, totpConfirmOut, totpEnrollOut } from '@yunzhuo/protocol/api/resources';
import { presentAccount } from '../accounts/account.presenter.js';
import { Account } from '../accounts/account.model.js';
import { actorOf, clientAddress } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './auth.middleware.js';
import type { AuthService, ConsoleLogin } from './auth.service.js';
import { assertAccountManageable, assertCanWriteAnything } from './policy.js';
import type { TotpService } from './totp.service.js';
import { sha256 } from '../lib/tokens.js';
import { AppError } from '../lib/app-error.js';

const accountParams = z.object({ id: z.string().uuid() });

/** The console's cookies of a new sign-in: the session (HttpOnly) and the CSRF token the page echoes. */
export function setSessionCookies(res: Response, login: ConsoleLogin, secureCookies: boolean): void {
  const base: CookieOptions = { sameSite: 'strict', secure: secureCookies, path: '/' };
  res.cookie(SESSION_COOKIE, login.token, { ...base, httpOnly: true, expires: login.expiresAt });
  res.cookie(CSRF_COOKIE, login.csrfToken, { ...base, httpOnly: false, expires: login.expiresAt });
}

/** `signedInRouter` admits console users and department reviewers; `consoleRouter` is behind requireConsoleUser. */
export function mountAuth(
  publicRouter: Router,
  signedInRouter: Router,
  consoleRouter: Router,
  auth: AuthService,
  docs: OpenApiDocs,
  secureCookies: boolean,
  totp: TotpService,
): void {
  const base: CookieOptions = { sameSite: 'strict', secure: secureCookies, path: '/' };
  docs.route('post', '/api/v1/auth/login', { summary: 'Sign in to the console (sets cookies)', tag: 'auth', body: loginBody, response: meOut });
  docs.route('post', '/api/v1/auth/logout', { summary: 'Sign out', tag: 'auth', status: 204 });
  docs.route('post', '/api/v1/auth/password', { summary: "Change the signed-in account's own password", tag: 'auth', body: passwordChangeBody, status: 204 });
  docs.route('get', '/api/v1/auth/me', { summary: 'The signed-in account', tag: 'auth', response: meOut });

  publicRouter.post('/auth/login', async (req, res) => {
    const body = parseInput(loginBody, req.body);
    const login = await auth.login(body.username, body.password, clientAddress(req), body.totpCode);
    setSessionCookies(res, login, secureCookies);
    res.json({
      account: await presentAccount(login.account),
      csrfToken: login.csrfToken,
      totp: { enabled: login.account.totpEnabled, required: totp.requiredFor(login.account.roles) },
      restriction: login.restriction,
    });
  });

  signedInRouter.post('/auth/logout', async (req, res) => {
    await auth.logout(String(req.cookies[SESSION_COOKIE]), actorOf(req));
    res.clearCookie(SESSION_COOKIE, base).clearCookie(CSRF_COOKIE, base).status(204).end();
  });

  consoleRouter.post('/auth/password', async (req, res) => {
    const body = parseInput(passwordChangeBody, req.body);
    await auth.changePassword(actorOf(req), body.currentPassword, body.newPassword);
    res.status(204).end();
  });

  signedInRouter.get('/auth/me', async (req, res) => {
    const account = await Account.findByPk(actorOf(req).id);
    res.json({
      account: account ? await presentAccount(account) : null,
      csrfToken: req.csrfToken,
      ...(account ? { totp: { enabled: account.totpEnabled, required: totp.requiredFor(account.roles) } } : {}),
      restriction: req.sessionRestriction ?? null,
    });
  });

  docs.route('post', '/api/v1/auth/totp/enroll', { summary: 'Start TOTP enrollment: a new secret and its QR code', tag: 'auth', response: totpEnrollOut });
  docs.route('post', '/api/v1/auth/totp/confirm', {
    summary: 'Confirm TOTP with a first code; returns the recovery codes once',
    tag: 'auth',
    body: totpConfirmBody,
    response: totpConfirmOut,
  });
  docs.route('post', '/api/v1/accounts/{id}/totp/reset', {
    summary: "Reset an account's TOTP (lost phone), audited",
    tag: 'accounts',
    params: accountParams,
    status: 204,
  });

  const ownAccount = async (id: string) => {
    const account = await Account.findByPk(id);
    if (!account) throw new AppError('UNAUTHENTICATED');
    return account;
  };
  consoleRouter.post('/auth/totp/enroll', async (req, res) => {
    res.json(await totp.begin(await ownAccount(actorOf(req).id)));
  });
  consoleRouter.post('/auth/totp/confirm', async (req, res) => {
    const body = parseInput(totpConfirmBody, req.body);
    const actor = actorOf(req);
    const sessionTokenHash = sha256(String(req.cookies[SESSION_COOKIE]));
    res.json({ recoveryCodes: await totp.confirm(await ownAccount(actor.id), body.code, actor, sessionTokenHash) });
  });
  consoleRouter.post('/accounts/:id/totp/reset', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const { id } = parseInput(accountParams, req.params, 'params');
    const account = await Account.findByPk(id);
    if (!account) throw new AppError('NOT_FOUND', { resource: 'account', id });
    assertAccountManageable(actor, account);
    await totp.reset(account, actor);
    res.status(204).end();
  });
}
