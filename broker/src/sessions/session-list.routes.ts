import type { Router } from 'express';
import { Op, type WhereOptions } from 'sequelize';
import { pageOf } from '@yunzhuo/protocol/api/common';
import { sessionOut, sessionQuery } from '@yunzhuo/protocol/api/resources';
import { actorOf } from '../http/async-router.js';
import { findVisible, scopeWhere } from '../auth/row-access.js';
import { dateRange, equalityFilters } from '../http/list-query.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { DesktopSession } from './session.model.js';
import { presentSession } from './session.presenter.js';

export const sessionVisibility = { model: DesktopSession, type: 'session', siteOf: (s: DesktopSession) => s.siteId };

/** Read-only session history; actions on sessions live in sessions-admin.routes.ts. */
export function mountSessionList(router: Router, docs: OpenApiDocs): void {
  docs.route('get', '/api/v1/sessions', { summary: 'List sessions (live and history)', tag: 'sessions', query: sessionQuery, response: pageOf(sessionOut) });
  docs.route('get', '/api/v1/sessions/{id}', { summary: 'Read a session', tag: 'sessions', response: sessionOut });

  router.get('/sessions', async (req, res) => {
    const actor = actorOf(req);
    const q = parseInput(sessionQuery, req.query, 'query');
    const where: WhereOptions[] = [
      scopeWhere(actor, 'siteId', false),
      equalityFilters(q, ['siteId', 'windowId', 'accountId', 'departmentId', 'poolId']),
      dateRange('requestedAt', q.from, q.to),
    ];
    if (q.state === 'live') where.push({ state: { [Op.ne]: 'ended' } });
    else if (q.state) where.push({ state: q.state });
    const { rows, count } = await DesktopSession.findAndCountAll({
      where: { [Op.and]: where },
      order: [
        [q.sort, q.order.toUpperCase()],
        ['id', 'ASC'],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: rows.map(presentSession), total: count, page: q.page, pageSize: q.pageSize });
  });

  router.get('/sessions/:id', async (req, res) => {
    res.json(presentSession(await findVisible(sessionVisibility, actorOf(req), String(req.params.id), 'read')));
  });
}
