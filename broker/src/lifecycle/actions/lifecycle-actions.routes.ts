import type { Router } from 'express';
import { z } from 'zod';
import { Op, type WhereOptions } from 'sequelize';
import { pageOf } from '@yunzhuo/protocol/api/common';
import { actionRunOut, actionRunQuery, desktopResetBody, runActionBody, sessionResetBody } from '@yunzhuo/protocol/api/lifecycle';
import { desktopOut, sessionOut } from '@yunzhuo/protocol/api/resources';
import { assertCanWriteAnything } from '../../auth/policy.js';
import { Desktop } from '../../desktops/desktop.model.js';
import { presentDesktop } from '../../desktops/desktop.resource.js';
import { actorOf } from '../../http/async-router.js';
import { findVisible, scopeWhere } from '../../auth/row-access.js';
import { equalityFilters } from '../../http/list-query.js';
import type { OpenApiDocs } from '../../http/openapi.js';
import { parseInput } from '../../http/validate.js';
import { AppError } from '../../lib/app-error.js';
import { sessionVisibility } from '../../sessions/session-list.routes.js';
import { presentSession } from '../../sessions/session.presenter.js';
import type { DesktopActions } from './desktop-actions.service.js';
import type { ForcedResets } from './forced-resets.service.js';
import { presentActionRun } from '../lifecycle.presenters.js';
import { ActionRun } from './pool-action.model.js';

const desktopVisibility = { model: Desktop, type: 'desktop', siteOf: (d: Desktop) => d.siteId };
const runVisibility = { model: ActionRun, type: 'action-run', siteOf: (r: ActionRun) => r.siteId };
const idParams = z.object({ id: z.string().uuid() });

/** The record of SSH action runs, running one now, and forcing a session or desktop to a clean state. */
export function mountLifecycleActions(router: Router, deps: { actions: DesktopActions; resets: ForcedResets; docs: OpenApiDocs }): void {
  const { actions, resets, docs } = deps;
  docs.route('get', '/api/v1/action-runs', {
    summary: 'SSH action runs: output, exit code, duration',
    tag: 'lifecycle',
    query: actionRunQuery,
    response: pageOf(actionRunOut),
  });
  docs.route('get', '/api/v1/action-runs/{id}', { summary: 'Read one action run', tag: 'lifecycle', params: idParams, response: actionRunOut });
  docs.route('post', '/api/v1/desktops/{id}/actions', {
    summary: "Run the pool's action of a lifecycle point on this desktop now",
    tag: 'lifecycle',
    params: idParams,
    body: runActionBody,
    response: actionRunOut,
  });
  docs.route('post', '/api/v1/sessions/{id}/reset', {
    summary: 'Force a session to a clean state (ended, desktop given back)',
    tag: 'sessions',
    params: idParams,
    body: sessionResetBody,
    response: sessionOut,
  });
  docs.route('post', '/api/v1/desktops/{id}/reset', {
    summary: 'Force a desktop to a clean state (sessions ended, free or maintenance)',
    tag: 'desktops',
    params: idParams,
    body: desktopResetBody,
    response: desktopOut,
  });

  router.get('/action-runs', async (req, res) => {
    const q = parseInput(actionRunQuery, req.query, 'query');
    const where: WhereOptions[] = [scopeWhere(actorOf(req), 'siteId', false), equalityFilters(q, ['desktopId', 'poolId', 'sessionId', 'point', 'outcome'])];
    const { rows, count } = await ActionRun.findAndCountAll({
      where: { [Op.and]: where },
      order: [
        [q.sort, q.order.toUpperCase()],
        ['id', 'ASC'],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: rows.map(presentActionRun), total: count, page: q.page, pageSize: q.pageSize });
  });
  router.get('/action-runs/:id', async (req, res) => {
    res.json(presentActionRun(await findVisible(runVisibility, actorOf(req), String(req.params.id), 'read')));
  });
  router.post('/desktops/:id/actions', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const desktop = await findVisible(desktopVisibility, actor, String(req.params.id), 'write');
    const { point } = parseInput(runActionBody, req.body);
    const run = await actions.runAt(point, desktop, { actor, sessionId: desktop.sessionId });
    if (!run) throw new AppError('NOT_FOUND', { resource: 'pool-action', poolId: desktop.poolId, point });
    res.json(presentActionRun(run));
  });
  router.post('/sessions/:id/reset', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const session = await findVisible(sessionVisibility, actor, String(req.params.id), 'write');
    const { reason } = parseInput(sessionResetBody, req.body ?? {});
    res.json(presentSession(await resets.resetSession(session, actor, reason)));
  });
  router.post('/desktops/:id/reset', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const desktop = await findVisible(desktopVisibility, actor, String(req.params.id), 'write');
    const { to, reason } = parseInput(desktopResetBody, req.body ?? {});
    res.json(presentDesktop(await resets.resetDesktop(desktop, actor, to, reason)));
  });
}
