import type { Request, Response, Router } from 'express';
import {
  qrParams,
  windowOidcLoginBody,
  windowOidcLoginOut,
  windowOidcSourcesOut,
  windowOidcStartBody,
  windowOidcStartOut,
  windowQrBody,
  windowQrOut,
  windowQrPollOut,
} from '@yunzhuo/protocol/api/oidc';
import { clientAddress } from '../http/async-router.js';
import { AppError, isAppError } from '../lib/app-error.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import type { BrokeredSession, SessionEngine } from '../sessions/session-engine.service.js';
import type { Terminal } from '../terminals/terminal.model.js';
import type { OidcQrSignIn } from './oidc-qr.js';
import type { OidcSignIn } from './oidc-signin.js';

/**
 * The window page's single sign-on: the terminal starts it (its credential names the terminal),
 * the browser goes to the provider and back to `/auth/oidc/callback`, which hands the page a
 * one-time ticket; the same terminal redeems it for a desktop like a password login.
 */
export function mountWindowOidc(
  router: Router,
  deps: {
    engine: SessionEngine;
    oidc: OidcSignIn;
    /** 扫码登录 (none: the window page offers no QR code) */
    qr: OidcQrSignIn | null;
    docs: OpenApiDocs;
    terminalOf: (req: Request) => Promise<Terminal>;
    respond: (res: Response, result: BrokeredSession, username: string) => Promise<void>;
  },
): void {
  deps.docs.route('post', '/api/v1/terminal/oidc/start', {
    summary: 'Single sign-on at the window: where to send the browser',
    tag: 'window',
    body: windowOidcStartBody,
    response: windowOidcStartOut,
  });
  deps.docs.route('post', '/api/v1/terminal/sessions/oidc', {
    summary: "A clerk signed in by the provider gets a desktop (the callback's ticket)",
    tag: 'window',
    body: windowOidcLoginBody,
    response: windowOidcLoginOut,
    status: 201,
  });
  deps.docs.route('get', '/api/v1/terminal/oidc/sources', {
    summary: "The providers offered at this terminal's site (the window page's 统一身份认证 button)",
    tag: 'window',
    response: windowOidcSourcesOut,
  });
  deps.docs.route('post', '/api/v1/terminal/oidc/qr', {
    summary: '扫码登录: a QR code for this terminal (single use, 2 minutes) of the short URL a phone opens',
    tag: 'window',
    body: windowQrBody,
    response: windowQrOut,
    status: 201,
  });
  deps.docs.route('get', '/api/v1/terminal/oidc/qr/{id}', {
    summary: '扫码登录: the terminal polls its QR code; once the phone signed in, the one-time ticket (then 404; expired: OIDC_QR_EXPIRED)',
    tag: 'window',
    params: qrParams,
    response: windowQrPollOut,
  });
  const qr = deps.qr;
  if (qr) {
    router.post('/terminal/oidc/qr', async (req, res) => {
      const terminal = await deps.terminalOf(req);
      const body = parseInput(windowQrBody, req.body);
      res.status(201).json(await qr.issue(terminal, body.sourceId));
    });
    router.get('/terminal/oidc/qr/:id', async (req, res) => {
      const terminal = await deps.terminalOf(req);
      const { id } = parseInput(qrParams, req.params, 'params');
      res.setHeader('Cache-Control', 'no-store');
      res.json(await qr.poll(terminal, id, clientAddress(req)));
    });
  }
  router.get('/terminal/oidc/sources', async (req, res) => {
    const terminal = await deps.terminalOf(req);
    res.json({ items: await deps.oidc.sourcesAtSite(terminal.siteId) });
  });
  router.post('/terminal/oidc/start', async (req, res) => {
    const terminal = await deps.terminalOf(req);
    const body = parseInput(windowOidcStartBody, req.body);
    res.json({ authorizationUrl: await deps.oidc.start(body.sourceId, body.returnTo, terminal.id) });
  });
  router.post('/terminal/sessions/oidc', async (req, res) => {
    const terminal = await deps.terminalOf(req);
    const body = parseInput(windowOidcLoginBody, req.body);
    const { account, sourceId } = await deps.oidc.window.redeem(body.ticket, terminal.id);
    let result: BrokeredSession;
    try {
      result = await deps.engine.login({
        terminal,
        username: account.username,
        password: '',
        verified: account,
        poolId: body.poolId,
        exceptPoolIds: body.exceptPoolIds,
        address: clientAddress(req),
      });
    } catch (err) {
      // the clerk chooses a department's desktop and asks again: with a new ticket (the old one is used)
      if (!isAppError(err, 'POOL_CHOICE_REQUIRED')) throw err;
      throw new AppError(err.code, { ...err.details, ticket: await deps.oidc.window.issue(account, terminal.id, sourceId) }, err.message);
    }
    await deps.respond(res, result, account.username);
  });
}
