import type { Router } from 'express';
import { col, Op, where as sqlWhere, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { pageOf } from '@yunzhuo/protocol/api/common';
import {
  workOrderAppealBody,
  workOrderFollowUpBody,
  workOrderNoteBody,
  workOrderOut,
  workOrderQuery,
  workOrderReportOut,
  workOrderReportQuery,
  workOrderReviewBody,
} from '@yunzhuo/protocol/api/rating-work-orders';
import type { Actor } from '../auth/actor.js';
import { Department } from '../departments/department.model.js';
import { actorOf } from '../http/async-router.js';
import { dateRange, equalityFilters } from '../http/list-query.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import type { Clock } from '../lib/clock.js';
import { documentExport, exportHandler } from './export/rating-export.routes.js';
import type { RatingExporter } from './export/rating-export.service.js';
import { Rating } from './rating.model.js';
import { RatingWorkOrder } from './work-order.model.js';
import { lateness, presentWorkOrder } from './work-order.presenter.js';
import { workOrderNames } from './work-order-names.js';
import type { WorkOrderService, WorkOrderStepInput } from './work-orders.service.js';

const idParams = z.object({ id: z.string().uuid() });
const BASE = '/api/v1/rating-work-orders';

/** Rows the actor may read: everything (admin, auditor), its subtree (site admin), its departments (department reviewer). */
export async function visibleOrders(actor: Actor, orders: WorkOrderService): Promise<WhereOptions> {
  if (actor.roles.includes('admin') || actor.roles.includes('auditor')) return {};
  const parts: WhereOptions[] = [];
  if (actor.roles.includes('site-admin') && !actor.scope.all) parts.push({ siteId: [...actor.scope.siteIds] });
  if (actor.roles.includes('site-admin') && actor.scope.all) return {};
  const departments = await orders.reviewerDepartments(actor);
  if (departments.size) parts.push({ departmentId: [...departments] });
  return parts.length ? { [Op.or]: parts } : { id: null };
}

/** Late now: a step not done past its deadline, or done after it. */
function overdueWhere(now: Date): WhereOptions {
  const late = (done: string, due: string) => ({
    [Op.or]: [{ [done]: null, [due]: { [Op.lt]: now } }, sqlWhere(col(done), Op.gt, col(due))],
  });
  return { state: { [Op.ne]: 'excluded' }, [Op.or]: [late('visited_at', 'visit_due_at'), late('rectified_at', 'rectify_due_at')] };
}

async function present(orders: RatingWorkOrder[], now: number) {
  const ratings = new Map((await Rating.findAll({ where: { id: orders.map((o) => o.ratingId) } })).map((r) => [r.id, r]));
  const names = await workOrderNames(orders, [...ratings.values()]);
  return orders.flatMap((o) => {
    const rating = ratings.get(o.ratingId);
    return rating ? [presentWorkOrder(o, rating, now, names(o, rating))] : [];
  });
}

/** 差评 work orders: read by the console, handled by site admins and department reviewers, 复核 by the county. */
export function mountWorkOrders(router: Router, deps: { orders: WorkOrderService; clock: Clock; docs: OpenApiDocs; exporter: RatingExporter }): void {
  const { orders, clock, docs } = deps;
  docs.route('get', BASE, { summary: 'List 差评 work orders', tag: 'ratings', query: workOrderQuery, response: pageOf(workOrderOut) });
  docs.route('get', `${BASE}/report`, {
    summary: 'Work orders per department: open, overdue, rectified on time',
    tag: 'ratings',
    query: workOrderReportQuery,
    response: workOrderReportOut,
  });
  docs.route('get', `${BASE}/{id}`, { summary: 'One 差评 work order', tag: 'ratings', params: idParams, response: workOrderOut });
  router.get('/', async (req, res) => {
    const q = parseInput(workOrderQuery, req.query, 'query');
    const now = new Date(clock.now());
    const where: WhereOptions[] = [await visibleOrders(actorOf(req), orders), equalityFilters(q, ['state', 'siteId', 'departmentId'])];
    if (q.overdue === true) where.push(overdueWhere(now));
    if (q.overdue === false) where.push({ [Op.not]: overdueWhere(now) });
    const { rows, count } = await RatingWorkOrder.findAndCountAll({
      where: { [Op.and]: where },
      order: [
        [q.sort, q.order.toUpperCase()],
        ['id', 'ASC'],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: await present(rows, now.getTime()), total: count, page: q.page, pageSize: q.pageSize });
  });

  router.get('/report', async (req, res) => {
    const q = parseInput(workOrderReportQuery, req.query, 'query');
    const now = clock.now();
    const rows = await RatingWorkOrder.findAll({ where: { [Op.and]: [await visibleOrders(actorOf(req), orders), dateRange('createdAt', q.from, q.to)] } });
    const empty = () => ({ total: 0, open: 0, visitOverdue: 0, rectifyOverdue: 0, rectifiedOnTime: 0, excluded: 0, onTimeRate: 0 });
    const byDepartment = new Map<string | null, ReturnType<typeof empty>>();
    const overall = empty();
    for (const o of rows) {
      const c = byDepartment.get(o.departmentId) ?? empty();
      const late = lateness(o, now);
      for (const counts of [c, overall]) {
        counts.total++;
        if (o.state === 'excluded') counts.excluded++;
        else if (o.state !== 'rectified') counts.open++;
        if (late.visitOverdue) counts.visitOverdue++;
        if (late.rectifyOverdue) counts.rectifyOverdue++;
        if (o.rectifiedAt && !late.rectifyOverdue) counts.rectifiedOnTime++;
      }
      byDepartment.set(o.departmentId, c);
    }
    const rate = (c: ReturnType<typeof empty>) => ({ ...c, onTimeRate: c.total - c.excluded ? c.rectifiedOnTime / (c.total - c.excluded) : 0 });
    const ids = [...byDepartment.keys()].filter((k): k is string => k !== null);
    const names = new Map((await Department.findAll({ where: { id: ids } })).map((d) => [d.id, d.name]));
    const items = [...byDepartment].map(([departmentId, c]) => ({ departmentId, name: departmentId ? (names.get(departmentId) ?? null) : null, ...rate(c) }));
    // the most overdue first: that is what the report is read for
    items.sort((a, b) => b.visitOverdue + b.rectifyOverdue - (a.visitOverdue + a.rectifyOverdue) || String(a.name).localeCompare(String(b.name)));
    res.json({ items, overall: rate(overall) });
  });

  // before '/:id', which would take 'export' for an id
  documentExport(docs, `${BASE}/export`, 'Export the work orders opened in [from, to) as CSV (UTF-8 with BOM) or Excel, columns in Chinese');
  router.get(
    '/export',
    exportHandler('work-orders', deps.exporter, (actor) => visibleOrders(actor, orders)),
  );

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const [order] = await present([await orders.findVisible(actorOf(req), id)], clock.now());
    res.json(order);
  });

  /** one route per step: validate, let the service check who and from which state, answer the order */
  const mountStep = <S extends z.ZodTypeAny>(name: WorkOrderStepInput['kind'], body: S, summary: string, toStep: (b: z.output<S>) => WorkOrderStepInput) => {
    docs.route('post', `${BASE}/{id}/${name}`, { summary, tag: 'ratings', params: idParams, body, response: workOrderOut });
    router.post(`/:id/${name}`, async (req, res) => {
      const { id } = parseInput(idParams, req.params, 'params');
      const step = toStep(parseInput(body, req.body));
      const [order] = await present([await orders.take(actorOf(req), id, step)], clock.now());
      res.json(order);
    });
  };
  mountStep('visit', workOrderNoteBody, '回访: the citizen was called back', (b) => ({ kind: 'visit', note: b.note }));
  mountStep('rectify', workOrderNoteBody, '整改: what was put right', (b) => ({ kind: 'rectify', note: b.note }));
  mountStep('appeal', workOrderAppealBody, '申诉: the department asks to set a mistaken or malicious 差评 aside', (b) => ({
    kind: 'appeal',
    reason: b.reason,
  }));
  mountStep('review', workOrderReviewBody, '复核 of an appeal (county admin): exclude the rating or keep it', (b) => ({ kind: 'review', ...b }));
  mountStep('follow-up', workOrderFollowUpBody, "追评: the citizen's second word, once", (b) => ({ kind: 'follow-up', ...b }));
}
