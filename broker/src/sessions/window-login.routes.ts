import type { Request, Router } from 'express';
import { z } from 'zod';
import { terminalContextOut, windowLoginBody, windowLoginOut } from '@yunzhuo/protocol/api/window';
import { Department } from '../departments/department.model.js';
import { clientAddress } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import type { IssuedToken } from './tunnel-tokens.js';
import { Pool } from '../pools/pool.model.js';
import { Site } from '../sites/site.model.js';
import { terminalCredentialOf, verifyTerminalCredential } from '../terminals/terminal-auth.js';
import type { LoginRows } from './login-rows.js';
import { HallWindow } from '../windows/window.model.js';
import type { SessionEngine } from './session-engine.service.js';
import type { OidcSignIn } from '../identity/oidc-signin.js';
import { mountWindowOidc } from '../identity/oidc-window.routes.js';
import type { OidcQrSignIn } from '../identity/oidc-qr.js';
import type { SessionLifecycle } from './session-lifecycle.service.js';
import { DesktopSession } from './session.model.js';

const sessionParams = z.object({ id: z.string().uuid() }).strict();
const presentToken = (t: IssuedToken) => ({ token: t.token, expiresAt: iso(t.expiresAt)!, path: '/tunnel' as const });

async function presentWindowSession(s: DesktopSession, pool: Pool, reconnected: boolean) {
  return {
    id: s.id,
    state: s.state,
    poolId: pool.id,
    poolName: pool.name,
    departmentId: pool.departmentId,
    graceSeconds: pool.graceSeconds,
    idleSeconds: pool.idleSeconds,
    clipboard: pool.settings.clipboard,
    reconnected,
    devices: pool.settings.devices ?? [], // a pool row written before 0006 has none
    printing: pool.settings.printing === true,
    drive: pool.settings.drive ? { upload: pool.settings.drive.upload, maxBytes: pool.settings.drive.maxBytes, types: pool.settings.drive.types } : null,
  };
}

/** The window page's API; every call carries `Authorization: Terminal <credential>`. */
export function mountWindowLogin(
  router: Router,
  engine: SessionEngine,
  lifecycle: SessionLifecycle,
  rows: LoginRows,
  docs: OpenApiDocs,
  oidc: OidcSignIn | null = null,
  qr: OidcQrSignIn | null = null,
): void {
  const terminalOf = (req: Request) => verifyTerminalCredential(terminalCredentialOf(req), (id) => rows.terminal(id));
  const ownSession = async (req: Request) => {
    const terminal = await terminalOf(req);
    const { id } = parseInput(sessionParams, req.params, 'params');
    return { terminal, id };
  };
  docs.route('get', '/api/v1/terminal/context', {
    summary: 'Where this terminal stands: site, window, department',
    tag: 'window',
    response: terminalContextOut,
  });
  docs.route('post', '/api/v1/terminal/sessions', {
    summary: 'A clerk logs in at this terminal and gets a desktop',
    tag: 'window',
    body: windowLoginBody,
    response: windowLoginOut,
    status: 201,
  });
  docs.route('get', '/api/v1/terminal/sessions', { summary: 'Live sessions held at this terminal', tag: 'window' });
  docs.route('post', '/api/v1/terminal/sessions/{id}/tunnel-token', {
    summary: 'A fresh tunnel token to reconnect the same desktop',
    tag: 'window',
    params: sessionParams,
  });
  docs.route('post', '/api/v1/terminal/sessions/{id}/disconnect', {
    summary: 'Leave: the desktop is kept for the grace period',
    tag: 'window',
    params: sessionParams,
  });
  docs.route('post', '/api/v1/terminal/sessions/{id}/logoff', { summary: 'Log off: the desktop is released', tag: 'window', params: sessionParams });

  router.get('/terminal/context', async (req, res) => {
    const terminal = await terminalOf(req);
    const [site, window] = await Promise.all([Site.findByPk(terminal.siteId), terminal.windowId ? HallWindow.findByPk(terminal.windowId) : null]);
    const department = window?.departmentId ? await Department.findByPk(window.departmentId) : null;
    res.json({
      terminal: { id: terminal.id, name: terminal.name },
      site: site ? { id: site.id, code: site.code, name: site.name } : null,
      window: window ? { id: window.id, code: window.code, label: window.label, printer: window.printer ?? null } : null,
      department: department ? { id: department.id, name: department.name } : null,
    });
  });

  router.post('/terminal/sessions', async (req, res) => {
    const terminal = await terminalOf(req);
    const body = parseInput(windowLoginBody, req.body);
    const result = await engine.login({
      terminal,
      username: body.username,
      password: body.password,
      poolId: body.poolId,
      exceptPoolIds: body.exceptPoolIds,
      address: clientAddress(req),
    });
    if (result.timing) res.setHeader('Server-Timing', `auth;dur=${result.timing.authMs.toFixed(2)}, broker;dur=${result.timing.brokerMs.toFixed(2)}`);
    res.status(201).json({ session: await presentWindowSession(result.session, result.pool, result.reconnected), tunnel: presentToken(result.tunnel) });
  });

  if (oidc)
    mountWindowOidc(router, {
      engine,
      oidc,
      qr,
      docs,
      terminalOf,
      respond: async (res, result, username) => {
        res
          .status(201)
          .json({ session: await presentWindowSession(result.session, result.pool, result.reconnected), tunnel: presentToken(result.tunnel), username });
      },
    });

  router.get('/terminal/sessions', async (req, res) => {
    const terminal = await terminalOf(req);
    const sessions = await DesktopSession.findAll({ where: { terminalId: terminal.id, state: ['requested', 'connecting', 'active', 'disconnected'] } });
    const pools = await Pool.findAll({ where: { id: sessions.map((s) => s.poolId) } });
    const items = await Promise.all(
      sessions.map((s) =>
        presentWindowSession(
          s,
          pools.find((p) => p.id === s.poolId)!,
          false,
        ),
      ),
    );
    res.json({ items });
  });

  router.post('/terminal/sessions/:id/tunnel-token', async (req, res) => {
    const { terminal, id } = await ownSession(req);
    res.status(201).json(presentToken(await lifecycle.reissueToken(id, terminal.id)));
  });

  for (const action of ['disconnect', 'logoff'] as const) {
    router.post(`/terminal/sessions/:id/${action}`, async (req, res) => {
      const { terminal, id } = await ownSession(req);
      await lifecycle.heldBy(id, terminal.id);
      const session = action === 'logoff' ? await lifecycle.end(id, null, 'logoff') : await lifecycle.disconnect(id, null, 'clerk');
      res.json({ id: session.id, state: session.state, endReason: session.endReason });
    });
  }
}
