import type { Router } from 'express';
import { Op, type WhereOptions } from 'sequelize';
import { pageOf } from '@yunzhuo/protocol/api/common';
import { auditOut, auditQuery } from '@yunzhuo/protocol/api/resources';
import { actorOf } from '../http/async-router.js';
import { scopeWhere } from '../auth/row-access.js';
import { dateRange, equalityFilters } from '../http/list-query.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import { auditActionWords } from '@yunzhuo/protocol/api/audit-words';
import { AuditEvent } from './audit-event.model.js';
import { auditSearch, nameAuditEvents, type AuditNames } from './audit-names.js';

export function presentAudit(e: AuditEvent, names: AuditNames) {
  return {
    id: e.id,
    at: iso(e.at)!,
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    siteId: e.siteId,
    address: e.address,
    before: e.before,
    after: e.after,
    details: e.details,
    actionName: auditActionWords(e.action),
    actorLabel: names.actor(e),
    targetLabel: names.target(e),
  };
}

export function mountAudit(router: Router, docs: OpenApiDocs): void {
  docs.route('get', '/api/v1/audit-events', { summary: 'List audit events (append-only)', tag: 'audit-events', query: auditQuery, response: pageOf(auditOut) });
  router.get('/audit-events', async (req, res) => {
    const actor = actorOf(req);
    const q = parseInput(auditQuery, req.query, 'query');
    const where: WhereOptions[] = [
      scopeWhere(actor, 'siteId', false),
      equalityFilters(q, ['action', 'actorId', 'targetType', 'targetId', 'siteId']),
      dateRange('at', q.from, q.to),
      ...(q.q ? [await auditSearch(q.q)] : []),
    ];
    const { rows, count } = await AuditEvent.findAndCountAll({
      where: { [Op.and]: where },
      order: [
        ['at', q.order.toUpperCase()],
        ['id', q.order.toUpperCase()],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    const names = await nameAuditEvents(rows);
    res.json({ items: rows.map((e) => presentAudit(e, names)), total: count, page: q.page, pageSize: q.pageSize });
  });
}
