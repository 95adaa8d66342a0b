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
import type { Logger } from '../lib/logger.js';
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
  deps: CrudDeps & { secrets: SecretBox; oidc: OidcSignIn; qr: OidcQrSignIn; auth: AuthService; secureCookies: boolean; logger: Logger },
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
  /** an error the sign-in did not foresee (a database refusing a write): logged, and the browser still gets a page (INTERNAL) */
  const appErrorOf = (err: unknown, path: string): AppError => {
    if (err instanceof AppError) return err;
    deps.logger.error({ err, path }, 'single sign-on failed');
    return new AppError('INTERNAL');
  };
  publicRouter.get('/auth/oidc/:id/start', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    const { returnTo } = parseInput(oidcStartQuery, req.query, 'query');
    try {
      res.redirect(302, await deps.oidc.start(id, returnTo));
    } catch (err) {
      res.redirect(302, withOidcError(returnTo, appErrorOf(err, '/auth/oidc/start').code)); // a page, never a JSON body in the browser
    }
  });
  publicRouter.get('/oidc/qr/:id', async (req, res) => {
    const parsed = qrParams.safeParse(req.params);
    if (!parsed.success) return void phonePage(res, { ok: false, code: 'OIDC_QR_EXPIRED' });
    try {
      res.redirect(302, await deps.qr.scan(parsed.data.id));
    } catch (err) {
      phonePage(res, { ok: false, code: appErrorOf(err, '/oidc/qr').code });
    }
  });
  /** a refused or failed callback: the phone gets its page, a browser goes back to the page it came from with the code */
  const refuse = (res: Response, failure: OidcFailure) => {
    if (failure.qr) return phonePage(res, { ok: false, code: failure.error.code });
    // an unknown state: the console's sign-in page; the page says why in Chinese
    res.redirect(302, withOidcError(failure.returnTo ?? CONSOLE_HOME, failure.error.code));
  };
  const failureOf = (err: unknown, finished: OidcFinished | undefined): OidcFailure => {
    if (err instanceof OidcFailure) return err;
    return new OidcFailure(appErrorOf(err, '/auth/oidc/callback'), finished?.returnTo ?? null, finished?.qr ?? false);
  };
  publicRouter.get('/auth/oidc/callback', async (req, res) => {
    const address = clientAddress(req);
    const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    let finished: OidcFinished | undefined;
    try {
      finished = await deps.oidc.finish(search, address);
      const { account, returnTo, terminalId } = finished;
      if (finished.qr) {
        // the window's poll takes the sign-in; the phone only learns that it worked
        await deps.qr.signedIn(returnTo, account);
        return void phonePage(res, { ok: true });
      }
      if (terminalId) {
        // the window page redeems the ticket with its terminal credential; a fragment never reaches a server log
        const ticket = await deps.oidc.window.afterCallback({ ...finished, terminalId }, address);
        return void res.redirect(302, `${returnTo}#oidcTicket=${ticket}`);
      }
      setSessionCookies(res, await deps.auth.signInVerified(account, address, 'oidc'), deps.secureCookies);
      res.redirect(302, returnTo);
    } catch (err) {
      refuse(res, failureOf(err, finished));
    }
  });
  consoleRouter.post('/auth/totp/verify', async (req, res) => {
    const body = parseInput(totpConfirmBody, req.body);
    const account = await Account.findByPk(actorOf(req).id);
    if (!account) throw new AppError('UNAUTHENTICATED');
    await deps.auth.verifySessionTotp(String(req.cookies[SESSION_COOKIE]), account, body.code);
    res.status(204).end();
  });
}
