import type { Router } from 'express';
import { pageOf } from '@yunzhuo/protocol/api/common';
import { ratingOutboxOut, ratingOutboxParams, ratingOutboxQuery } from '@yunzhuo/protocol/api/rating-outbox';
import type { z } from 'zod';
import type { AuditService } from '../audit/audit.service.js';
import { assertCanWriteTo } from '../auth/policy.js';
import { writeTransaction } from '../db/write-transaction.js';
import { actorOf } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { RatingOutboxItem } from './rating-outbox.model.js';

function present(item: RatingOutboxItem): z.infer<typeof ratingOutboxOut> {
  return {
    id: item.seq,
    ratingId: item.ratingId,
    changeNo: item.changeNo,
    idempotencyKey: `${item.ratingId}:${item.changeNo}`,
    kind: item.kind,
    windowId: item.windowKey || null,
    state: item.state,
    attempts: item.attempts,
    nextAttemptAt: iso(item.nextAttemptAt)!,
    lastError: item.lastError ?? null,
    deliveredAt: iso(item.deliveredAt ?? null),
    createdAt: iso(item.createdAt)!,
  };
}

/** The outbox to the province: county-wide, so read by the county (admin, auditor) and retried by a county admin. */
export function mountRatingOutbox(consoleApi: Router, deps: { audit: AuditService; clock: Clock; docs: OpenApiDocs }): void {
  deps.docs.route('get', '/api/v1/rating-outbox', {
    summary: 'Changes sent (or waiting) to the province, by state',
    tag: 'ratings',
    query: ratingOutboxQuery,
    response: pageOf(ratingOutboxOut),
  });
  deps.docs.route('post', '/api/v1/rating-outbox/{id}/retry', {
    summary: 'Send a dead change again (county admin)',
    tag: 'ratings',
    params: ratingOutboxParams,
    response: ratingOutboxOut,
  });

  consoleApi.get('/rating-outbox', async (req, res) => {
    const actor = actorOf(req);
    if (!actor.roles.includes('admin') && !actor.roles.includes('auditor')) throw new AppError('FORBIDDEN', { resource: 'rating-outbox' });
    const q = parseInput(ratingOutboxQuery, req.query, 'query');
    const { rows, count } = await RatingOutboxItem.findAndCountAll({
      where: q.state ? { state: q.state } : {},
      order: [['seq', q.order.toUpperCase()]],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: rows.map(present), total: count, page: q.page, pageSize: q.pageSize });
  });

  consoleApi.post('/rating-outbox/:id/retry', async (req, res) => {
    const actor = actorOf(req);
    // county-wide: refused before anything is read
    assertCanWriteTo(actor, null, 'rating-outbox');
    const { id } = parseInput(ratingOutboxParams, req.params, 'params');
    const item = await writeTransaction(RatingOutboxItem.sequelize!, async (transaction) => {
      const row = await RatingOutboxItem.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!row) throw new AppError('NOT_FOUND', { resource: 'rating-outbox' });
      if (row.state !== 'dead') throw new AppError('RATING_OUTBOX_NOT_DEAD', { state: row.state });
      const before = { state: row.state, attempts: row.attempts, lastError: row.lastError };
      await row.update({ state: 'pending', attempts: 0, nextAttemptAt: new Date(deps.clock.now()) }, { transaction });
      await deps.audit.record(
        actor,
        {
          action: 'rating-outbox.retry',
          targetType: 'rating-outbox',
          targetId: String(row.seq),
          siteId: null,
          before,
          after: { state: 'pending' },
          details: { ratingId: row.ratingId, changeNo: row.changeNo },
        },
        transaction,
      );
      return row;
    });
    res.json(present(item));
  });
}
