import type { Router } from 'express';
import { z } from 'zod';
import { pageOf } from '@yunzhuo/protocol/api/common';
import {
  calendarDayOut,
  calendarDayParams,
  calendarDayPut,
  calendarDayQuery,
  knownHostOut,
  knownHostPut,
  knownHostQuery,
  poolLifecycleOut,
  poolLifecyclePut,
} from '@yunzhuo/protocol/api/lifecycle';
import { assertCanWriteAnything, assertRowAccess } from '../auth/policy.js';
import type { AuditService } from '../audit/audit.service.js';
import { actorOf } from '../http/async-router.js';
import { findVisible } from '../auth/row-access.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { lockKey, writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { Pool } from '../pools/pool.model.js';
import { Op } from 'sequelize';
import { CalendarDay } from './warmup/calendar-day.model.js';
import type { KnownHosts } from './ssh/known-hosts.js';
import { presentCalendarDay, presentKnownHost, presentPoolLifecycle } from './lifecycle.presenters.js';
import { PoolLifecycle } from './pool-lifecycle.model.js';
import { SshKnownHost } from './ssh/ssh-host.model.js';

const poolVisibility = { model: Pool, type: 'pool', siteOf: (p: Pool) => p.siteId };
const idParams = z.object({ id: z.string().uuid() });

/** Pool lifecycle settings (probes, timeouts, warm-up calendar), pinned host keys, holidays. */
export function mountLifecycleSettings(router: Router, deps: { audit: AuditService; knownHosts: KnownHosts; clock: Clock; docs: OpenApiDocs }): void {
  const { audit, knownHosts, docs } = deps;
  docs.route('get', '/api/v1/pools/{id}/lifecycle', {
    summary: "A pool's lifecycle settings and warm-up calendar",
    tag: 'lifecycle',
    params: idParams,
    response: poolLifecycleOut,
  });
  docs.route('put', '/api/v1/pools/{id}/lifecycle', {
    summary: "Set a pool's lifecycle settings and warm-up calendar",
    tag: 'lifecycle',
    params: idParams,
    body: poolLifecyclePut,
    response: poolLifecycleOut,
  });
  docs.route('get', '/api/v1/ssh-known-hosts', { summary: 'Pinned SSH host keys', tag: 'lifecycle', query: knownHostQuery, response: pageOf(knownHostOut) });
  docs.route('put', '/api/v1/ssh-known-hosts', {
    summary: 'Pin (or replace) the host key of an SSH endpoint',
    tag: 'lifecycle',
    body: knownHostPut,
    response: knownHostOut,
  });
  docs.route('delete', '/api/v1/ssh-known-hosts/{id}', {
    summary: 'Forget a pin (the next connection pins what it sees)',
    tag: 'lifecycle',
    params: idParams,
    status: 204,
  });
  docs.route('get', '/api/v1/calendar-days', {
    summary: 'Holidays and make-up working days (调休) of the warm-up',
    tag: 'lifecycle',
    query: calendarDayQuery,
    response: pageOf(calendarDayOut),
  });
  docs.route('put', '/api/v1/calendar-days/{date}', {
    summary: 'Mark a date as a holiday or a working day',
    tag: 'lifecycle',
    params: calendarDayParams,
    body: calendarDayPut,
    response: calendarDayOut,
  });
  docs.route('delete', '/api/v1/calendar-days/{date}', { summary: 'Unmark a date', tag: 'lifecycle', params: calendarDayParams, status: 204 });

  router.get('/pools/:id/lifecycle', async (req, res) => {
    const pool = await findVisible(poolVisibility, actorOf(req), String(req.params.id), 'read');
    res.json(presentPoolLifecycle(pool.id, await PoolLifecycle.findByPk(pool.id)));
  });
  router.put('/pools/:id/lifecycle', async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const id = String(req.params.id);
    await findVisible(poolVisibility, actor, id, 'write');
    const input = parseInput(poolLifecyclePut, req.body);
    // The pool row is locked (PostgreSQL; on SQLite the write lock is taken at BEGIN): concurrent
    // PUTs of one pool run one after the other and the last one wins; each is audited with the
    // before it really replaced, in its own transaction.
    const after = await writeTransaction(Pool.sequelize!, async (transaction) => {
      const pool = await findVisible(poolVisibility, actor, id, 'write', transaction);
      const existing = await PoolLifecycle.findByPk(pool.id, { transaction });
      const before = presentPoolLifecycle(pool.id, existing);
      const row = existing ? await existing.update(input, { transaction }) : await PoolLifecycle.create({ poolId: pool.id, ...input }, { transaction });
      const after = presentPoolLifecycle(pool.id, row);
      await audit.record(actor, { action: 'pool.lifecycle', targetType: 'pool', targetId: pool.id, siteId: pool.siteId, before, after }, transaction);
      return after;
    });
    res.json(after);
  });

  // pins are infrastructure of the whole county: every console user reads them, only a county admin writes
  router.get('/ssh-known-hosts', async (req, res) => {
    const q = parseInput(knownHostQuery, req.query, 'query');
    const { rows, count } = await SshKnownHost.findAndCountAll({
      where: q.host ? { host: q.host } : {},
      order: [
        [q.sort, q.order.toUpperCase()],
        ['id', 'ASC'],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: rows.map(presentKnownHost), total: count, page: q.page, pageSize: q.pageSize });
  });
  router.put('/ssh-known-hosts', async (req, res) => {
    const actor = actorOf(req);
    assertRowAccess(actor, 'write', null, 'ssh-known-host');
    const input = parseInput(knownHostPut, req.body);
    res.json(presentKnownHost(await knownHosts.set(actor, input.host, input.port, input.fingerprint)));
  });
  router.delete('/ssh-known-hosts/:id', async (req, res) => {
    const actor = actorOf(req);
    assertRowAccess(actor, 'write', null, 'ssh-known-host');
    const { id } = parseInput(idParams, req.params, 'params');
    const row = await SshKnownHost.findByPk(id);
    if (!row) throw new AppError('NOT_FOUND', { resource: 'ssh-known-host', id });
    await knownHosts.forget(actor, row);
    res.status(204).end();
  });

  router.get('/calendar-days', async (req, res) => {
    const q = parseInput(calendarDayQuery, req.query, 'query');
    const range: Record<symbol, string> = {};
    if (q.from) range[Op.gte] = q.from;
    if (q.to) range[Op.lte] = q.to;
    const { rows, count } = await CalendarDay.findAndCountAll({
      where: Object.getOwnPropertySymbols(range).length ? { date: range } : {},
      order: [['date', q.order.toUpperCase()]],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: rows.map(presentCalendarDay), total: count, page: q.page, pageSize: q.pageSize });
  });
  router.put('/calendar-days/:date', async (req, res) => {
    const actor = actorOf(req);
    assertRowAccess(actor, 'write', null, 'calendar-day');
    const { date } = parseInput(calendarDayParams, req.params, 'params');
    const input = parseInput(calendarDayPut, req.body);
    const sequelize = CalendarDay.sequelize!;
    const row = await writeTransaction(sequelize, async (transaction) => {
      await lockKey(sequelize, transaction, `calendar-day:${date}`); // a new date has no row to lock: same-instant PUTs take turns
      const existing = await CalendarDay.findByPk(date, { transaction, lock: true });
      const before = existing ? presentCalendarDay(existing) : null;
      const row = existing ? await existing.update(input, { transaction }) : await CalendarDay.create({ date, ...input }, { transaction });
      await audit.record(
        actor,
        { action: 'calendar-day.set', targetType: 'calendar-day', targetId: date, before, after: presentCalendarDay(row) },
        transaction,
      );
      return row;
    });
    res.json(presentCalendarDay(row));
  });
  router.delete('/calendar-days/:date', async (req, res) => {
    const actor = actorOf(req);
    assertRowAccess(actor, 'write', null, 'calendar-day');
    const { date } = parseInput(calendarDayParams, req.params, 'params');
    await writeTransaction(CalendarDay.sequelize!, async (transaction) => {
      const row = await CalendarDay.findByPk(date, { transaction, lock: true });
      if (!row) throw new AppError('NOT_FOUND', { resource: 'calendar-day', date });
      await row.destroy({ transaction });
      await audit.record(actor, { action: 'calendar-day.delete', targetType: 'calendar-day', targetId: date, before: presentCalendarDay(row) }, transaction);
    });
    res.status(204).end();
  });
}
