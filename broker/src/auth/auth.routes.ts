import type { CookieOptions, Router } from 'express';
import { loginBody, meOut } from '@yunzhuo/protocol/api/resources';
import { presentAccount } from '../accounts/account.presenter.js';
import { Account } from '../accounts/account.model.js';
import { actorOf, clientAddress } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './auth.middleware.js';
import type { AuthService } from './auth.service.js';

/** `signedInRouter` is behind the sign-in check that admits console users and department reviewers. */
export function mountAuth(publicRouter: Router, signedInRouter: Router, auth: AuthService, docs: OpenApiDocs, secureCookies: boolean): void {
  const base: CookieOptions = { sameSite: 'strict', secure: secureCookies, path: '/' };
  docs.route('post', '/api/v1/auth/login', { summary: 'Sign in to the console (sets cookies)', tag: 'auth', body: loginBody, response: meOut });
  docs.route('post', '/api/v1/auth/logout', { summary: 'Sign out', tag: 'auth', status: 204 });
  docs.route('get', '/api/v1/auth/me', { summary: 'The signed-in account', tag: 'auth', response: meOut });

  publicRouter.post('/auth/login', async (req, res) => {
    const body = parseInput(loginBody, req.body);
    const login = await auth.login(body.username, body.password, clientAddress(req));
    res.cookie(SESSION_COOKIE, login.token, { ...base, httpOnly: true, expires: login.expiresAt });
    res.cookie(CSRF_COOKIE, login.csrfToken, { ...base, httpOnly: false, expires: login.expiresAt });
    res.json({ account: await presentAccount(login.account), csrfToken: login.csrfToken });
  });

  signedInRouter.post('/auth/logout', async (req, res) => {
    await auth.logout(String(req.cookies[SESSION_COOKIE]), actorOf(req));
    res.clearCookie(SESSION_COOKIE, base).clearCookie(CSRF_COOKIE, base).status(204).end();
  });

  signedInRouter.get('/auth/me', async (req, res) => {
    const account = await Account.findByPk(actorOf(req).id);
    res.json({ account: account ? await presentAccount(account) : null, csrfToken: req.csrfToken });
  });
}
