import type { Router } from 'express';
import { Op, type Model, type ModelStatic, type Order, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything, assertCanWriteTo, type Sharing } from '../auth/policy.js';
import { findVisible, scopeWhere } from '../auth/row-access.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { LiveEvents } from '../lib/live-events.js';
import { actorOf } from './async-router.js';
import type { OpenApiDocs } from './openapi.js';
import { parseInput } from './validate.js';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * One admin resource: schemas from protocol/, a presenter, where its rows sit in the site
 * tree, and the hooks that differ. `mountCrud` turns it into list/get/create/update/delete
 * with scoping, audit and live events done the same way for every resource.
 */
export interface ResourceDef<M extends Model, C, U, P = undefined> {
  path: string;
  /** singular name used in audit actions (`window.create`) and errors */
  type: string;
  model: ModelStatic<M>;
  schemas: { create: z.ZodType<C>; update: z.ZodType<U>; query: AnyObject; out: z.ZodTypeAny };
  /** column that places a row in the site tree; NULL values are county-wide */
  scopeColumn: string;
  siteOf(row: M): string | null;
  /**
   * The site a create/update would place the row in. Checks EVERY row the input names (in the
   * write's transaction, before anything is written): the hooks below write checked input only.
   */
  targetSite(actor: Actor, input: C | U, existing: M | null, transaction: Transaction): Promise<string | null>;
  filters(query: Record<string, unknown>): WhereOptions;
  /** conditions that are not plain column equality (joins, casts) */
  extraFilters?(query: Record<string, unknown>): WhereOptions[];
  /** whether rows with a NULL scope column are county-wide (visible to every site); default true */
  countyWideRows?: boolean;
  /** how rows are shared down the site tree (auth/policy.ts); default `subtree` */
  sharing?: Sharing;
  searchColumns?: string[];
  present(row: M, transaction?: Transaction): Promise<unknown> | unknown;
  /** slow work that writes nothing (hashing a password), done before the transaction opens */
  prepare?(input: C | U): Promise<P>;
  create(actor: Actor, input: C, transaction: Transaction, prepared: P | undefined): Promise<M>;
  update(actor: Actor, row: M, input: U, transaction: Transaction, prepared: P | undefined): Promise<M>;
  remove?(actor: Actor, row: M, transaction: Transaction): Promise<void>;
  /** extra presented fields the create response carries once (a generated secret) */
  createExtras?(row: M): Record<string, unknown> | undefined;
}

export interface CrudDeps {
  audit: AuditService;
  events: LiveEvents;
  docs: OpenApiDocs;
}

export function mountCrud<M extends Model, C, U, P>(router: Router, def: ResourceDef<M, C, U, P>, deps: CrudDeps): void {
  const { audit, events, docs } = deps;
  docs.resource(def.path, def.type, def.schemas);
  const idOf = (row: M) => String(row.get('id'));

  router.get(`/${def.path}`, async (req, res) => {
    const actor = actorOf(req);
    const query = parseInput(def.schemas.query, req.query, 'query') as Record<string, unknown> & {
      page: number;
      pageSize: number;
      sort: string;
      order: 'asc' | 'desc';
      q?: string;
    };
    const where: WhereOptions[] = [
      scopeWhere(actor, def.scopeColumn, def.countyWideRows, def.sharing),
      def.filters(query),
      ...(def.extraFilters?.(query) ?? []),
    ];
    if (query.q && def.searchColumns) {
      where.push({ [Op.or]: def.searchColumns.map((c) => ({ [c]: { [Op.like]: `%${query.q}%` } })) });
    }
    const order: Order = [
      [query.sort, query.order.toUpperCase()],
      ['id', 'ASC'],
    ];
    const { rows, count } = await def.model.findAndCountAll({
      where: { [Op.and]: where },
      order,
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    const items = await Promise.all(rows.map((r) => def.present(r)));
    res.json({ items, total: count, page: query.page, pageSize: query.pageSize });
  });

  router.get(`/${def.path}/:id`, async (req, res) => {
    const row = await findVisible(def, actorOf(req), String(req.params.id), 'read');
    res.json(await def.present(row));
  });

  // every write: its checks, rows and audit event in one transaction; a refusal stores nothing
  const write = <T>(work: (t: Transaction) => Promise<T>) => writeTransaction(def.model.sequelize!, work);

  router.post(`/${def.path}`, async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const input = parseInput(def.schemas.create, req.body);
    const prepared = await def.prepare?.(input);
    const { row, after } = await write(async (t) => {
      assertCanWriteTo(actor, await def.targetSite(actor, input, null, t), def.type);
      const row = await def.create(actor, input, t, prepared);
      const after = (await def.present(row, t)) as object;
      await audit.record(actor, { action: `${def.type}.create`, targetType: def.type, targetId: idOf(row), siteId: def.siteOf(row), after }, t);
      return { row, after };
    });
    events.publish('resource.changed', { resource: def.path, id: idOf(row), action: 'create', siteId: def.siteOf(row) });
    res.status(201).json({ ...after, ...(def.createExtras?.(row) ?? {}) });
  });

  router.patch(`/${def.path}/:id`, async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const id = String(req.params.id);
    await findVisible(def, actor, id, 'write'); // NOT_FOUND / FORBIDDEN before the body is looked at
    const input = parseInput(def.schemas.update, req.body);
    const prepared = await def.prepare?.(input);
    const { updated, after } = await write(async (t) => {
      const row = await findVisible(def, actor, id, 'write', t);
      assertCanWriteTo(actor, await def.targetSite(actor, input, row, t), def.type);
      const before = (await def.present(row, t)) as object;
      const updated = await def.update(actor, row, input, t, prepared);
      const after = (await def.present(updated, t)) as object;
      await audit.record(actor, { action: `${def.type}.update`, targetType: def.type, targetId: id, siteId: def.siteOf(updated), before, after }, t);
      return { updated, after };
    });
    events.publish('resource.changed', { resource: def.path, id, action: 'update', siteId: def.siteOf(updated) });
    res.json(after);
  });

  router.delete(`/${def.path}/:id`, async (req, res) => {
    const actor = actorOf(req);
    assertCanWriteAnything(actor);
    const id = String(req.params.id);
    const row = await write(async (t) => {
      const row = await findVisible(def, actor, id, 'write', t);
      const before = (await def.present(row, t)) as object;
      try {
        if (def.remove) await def.remove(actor, row, t);
        else await row.destroy({ transaction: t });
      } catch (err) {
        if ((err as Error).name === 'SequelizeForeignKeyConstraintError') throw new AppError('IN_USE', { resource: def.type, id });
        throw err;
      }
      await audit.record(actor, { action: `${def.type}.delete`, targetType: def.type, targetId: id, siteId: def.siteOf(row), before }, t);
      return row;
    });
    events.publish('resource.changed', { resource: def.path, id, action: 'delete', siteId: def.siteOf(row) });
    res.status(204).end();
  });
}
