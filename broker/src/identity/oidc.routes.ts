import type { Response, Router } from 'express';
import { ERRORS, type ErrorCode } from '@yunzhuo/protocol/errors';
import { z } from 'zod';
import { oidcStartQuery, qrParams } from '@yunzhuo/protocol/api/oidc';
import { totpConfirmBody } from '@yunzhuo/protocol/api/resources';
import { Account } from '../accounts/account.model.js';
import { assertCanWriteAnything } from '../auth/policy.js';
import { findVisible } from '../auth/row-access.js';
import { SESSION_COOKIE } from '../auth/auth.middleware.js';
import { setSessionCookies } from '../auth/auth.routes.js';
import type { AuthService } from '../auth/auth.service.js';
import { actorOf, clientAddress } from '../http/async-router.js';
import { mountCrud, type CrudDeps } from '../http/crud.js';
import { parseInput } from '../http/validate.js';
import { AppError } from '../lib/app-error.js';
import type { SecretBox } from '../lib/secret-box.js';
import { OidcSource } from './oidc-source.model.js';
import { oidcSourceResource } from './oidc-source.resource.js';
import type { OidcFinished, OidcSignIn } from './oidc-signin.js';
import { OidcFailure } from './oidc-refusal.js';
import type { OidcQrSignIn } from './oidc-qr.js';
import { QR_PAGE_CSP, qrPhonePage } from './oidc-qr-page.js';
import { oidcSourceTestOut } from '@yunzhuo/protocol/api/oidc';

const params = z.object({ id: z.string().uuid() });
const CONSOLE_HOME = '/console/';

/** `returnTo` with the refusal's code in the fragment (`#oidcError=OIDC_NOT_MAPPED`): the page shows its text */
export function withOidcError(returnTo: string, code: string): string {
  const path = returnTo.split('#')[0] ?? CONSOLE_HOME;
  return `${path}#oidcError=${encodeURIComponent(code)}`;
}
const sourcesOut = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });

/**
 * `/identity-sources/oidc` (CRUD; mount before the LDAP sources' `/identity-sources/:id`), and the
 * console's single sign-on: `/auth/oidc/{id}/start` redirects to the provider, its answer comes
 * back to `/auth/oidc/callback`, which sets the console cookies and redirects to `returnTo`.
 */
export function mountOidc(
  publicRouter: Router,
  consoleRouter: Router,
  deps: CrudDeps & { secrets: SecretBox; oidc: OidcSignIn; qr: OidcQrSignIn; auth: AuthService; secureCookies: boolean },
): void {
  /** the phone of a 扫码登录 reads a small Chinese page, never JSON nor a redirect into our pages */
  const phonePage = (res: Response, outcome: Parameters<typeof qrPhonePage>[0]) => {
    const status = outcome.ok ? 200 : (ERRORS[outcome.code as ErrorCode]?.status ?? 400);
    res.status(status).setHeader('Content-Security-Policy', QR_PAGE_CSP).setHeader('Cache-Control', 'no-store').type('html').send(qrPhonePage(outcome));
  };
  const resource = oidcSourceResource(deps.secrets);
  const { docs } = deps;
  docs.route('post', '/api/v1/identity-sources/oidc/{id}/test', {
    summary: "Test connection: the provider's discovery document read now",
    tag: 'identity-sources',
    params,
    response: oidcSourceTestOut,
  });
  // before the CRUD's `/identity-sources/oidc/:id`
  consoleRouter.post('/identity-sources/oidc/:id/test', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const source = await findVisible(resource, actor, String(req.params.id), 'write');
    res.json(await deps.oidc.probe(source));
  });
  mountCrud(consoleRouter, resource, deps);
  docs.route('get', '/api/v1/auth/oidc/sources', { summary: 'The single sign-on providers the sign-in page offers', tag: 'auth', response: sourcesOut });
  docs.route('get', '/api/v1/auth/oidc/{id}/start', {
    summary: 'Console single sign-on: redirects to the provider (code + PKCE)',
    tag: 'auth',
    params,
    status: 302,
  });
  docs.route('get', '/api/v1/auth/oidc/callback', { summary: "The provider's answer: signs in and redirects back", tag: 'auth', status: 302 });
  docs.route('get', '/api/v1/oidc/qr/{id}', {
    summary: "扫码登录: the phone opens the window's QR code and is redirected to the provider (code + PKCE); refusals are a Chinese page",
    tag: 'auth',
    params: qrParams,
    status: 302,
  });
  docs.route('post', '/api/v1/auth/totp/verify', {
    summary: 'The TOTP code of a session opened by single sign-on',
    tag: 'auth',
    body: totpConfirmBody,
    status: 204,
  });

  publicRouter.get('/auth/oidc/sources', async (_req, res) => {
    const sources = await OidcSource.findAll({ where: { enabled: true }, order: [['name', 'ASC']] });
    res.json({ items: sources.map((s) => ({ id: s.id, name: s.name })) });
  });
  publicRouter.get('/auth/oidc/:id/start', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    const { returnTo } = parseInput(oidcStartQuery, req.query, 'query');
    try {
      res.redirect(302, await deps.oidc.start(id, returnTo));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      res.redirect(302, withOidcError(returnTo, err.code)); // a page, never a JSON body in the browser
    }
  });
  publicRouter.get('/oidc/qr/:id', async (req, res) => {
    const parsed = qrParams.safeParse(req.params);
    if (!parsed.success) return void phonePage(res, { ok: false, code: 'OIDC_QR_EXPIRED' });
    try {
      res.redirect(302, await deps.qr.scan(parsed.data.id));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      phonePage(res, { ok: false, code: err.code });
    }
  });
  publicRouter.get('/auth/oidc/callback', async (req, res) => {
    const address = clientAddress(req);
    const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    let finished: OidcFinished;
    let windowTicket: string | null = null;
    try {
      finished = await deps.oidc.finish(search, address);
      // the window page redeems the ticket with its terminal credential; a fragment never reaches a server log
      const { terminalId } = finished;
      if (terminalId && !finished.qr) windowTicket = await deps.oidc.window.afterCallback({ ...finished, terminalId }, address);
    } catch (err) {
      if (!(err instanceof OidcFailure)) throw err;
      if (err.qr) return void phonePage(res, { ok: false, code: err.error.code });
      // back to the page that started it (an unknown state: the console's sign-in page), which says why in Chinese
      return void res.redirect(302, withOidcError(err.returnTo ?? CONSOLE_HOME, err.error.code));
    }
    const { account, returnTo } = finished;
    if (finished.qr) {
      // the window's poll takes the sign-in; the phone only learns that it worked
      const done = await deps.qr.signedIn(returnTo, account).then(
        () => ({ ok: true }) as const,
        (err: unknown) => {
          if (!(err instanceof AppError)) throw err;
          return { ok: false, code: err.code } as const;
        },
      );
      return void phonePage(res, done);
    }
    if (windowTicket) return void res.redirect(302, `${returnTo}#oidcTicket=${windowTicket}`);
    setSessionCookies(res, await deps.auth.signInVerified(account, address, 'oidc'), deps.secureCookies);
    res.redirect(302, returnTo);
  });
  consoleRouter.post('/auth/totp/verify', async (req, res) => {
    const body = parseInput(totpConfirmBody, req.body);
    const account = await Account.findByPk(actorOf(req).id);
    if (!account) throw new AppError('UNAUTHENTICATED');
    await deps.auth.verifySessionTotp(String(req.cookies[SESSION_COOKIE]), account, body.code);
    res.status(204).end();
  });
}
