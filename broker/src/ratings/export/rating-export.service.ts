import type { Writable } from 'node:stream';
import { Op, type ModelStatic, type WhereOptions, type Model } from 'sequelize';
import type { Actor } from '../../auth/actor.js';
import type { AuditService } from '../../audit/audit.service.js';
import { AppError } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import { Rating } from '../rating.model.js';
import { RatingWorkOrder } from '../work-order.model.js';
import { hallTime, RATING_COLUMNS, WORK_ORDER_COLUMNS, type ExportColumn, type ExportContext, type OrderRow } from './export-columns.js';
import { ExportNames } from './export-names.js';
import { CsvSink, XlsxSink, type ExportSink } from './export-sinks.js';

export type ExportFormat = 'csv' | 'xlsx';
export type ExportKind = 'ratings' | 'work-orders';

export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  from: Date;
  to: Date;
  /** the actor's scope and the query's filters, as conditions on the exported table */
  where: WhereOptions[];
}

/** rows read per query by default; the response holds at most one batch at a time */
const BATCH = 500;
/** a year and a day: longer ranges are several files */
const MAX_RANGE_MS = 367 * 24 * 3600 * 1000;

interface Keyed {
  id: string;
  createdAt: Date;
}

/**
 * The daily export for the hall's assessment (docs/RATINGS.md): rows created in [from, to), in
 * creation order, read in batches by key (createdAt, id) and written as they come. Each export
 * is audited (it carries citizens' words) before its first byte.
 */
export class RatingExporter {
  constructor(private readonly deps: { audit: AuditService; clock: Clock; timeZone: string; batchSize?: number }) {}

  fileName(kind: ExportKind, format: ExportFormat, from: Date, to: Date): string {
    const day = (d: Date) => hallTime(this.deps.timeZone)(d).slice(0, 10);
    return `${kind === 'ratings' ? '好差评' : '差评工单'}_${day(from)}_${day(new Date(to.getTime() - 1))}.${format}`;
  }

  /** Checks the range and audits; the caller then sets its headers and calls `write`. */
  async begin(actor: Actor, req: ExportRequest): Promise<void> {
    const span = req.to.getTime() - req.from.getTime();
    if (!(span > 0 && span <= MAX_RANGE_MS)) throw new AppError('VALIDATION_FAILED', { field: 'to', reason: 'to must be after from, at most 367 days later' });
    await this.deps.audit.record(actor, {
      action: `${req.kind === 'ratings' ? 'ratings' : 'rating-work-orders'}.export`,
      targetType: req.kind === 'ratings' ? 'rating' : 'rating-work-order',
      details: { format: req.format, from: req.from.toISOString(), to: req.to.toISOString() },
    });
  }

  async write(req: ExportRequest, out: Writable): Promise<void> {
    const sink: ExportSink = req.format === 'csv' ? new CsvSink(out) : new XlsxSink(out, req.kind === 'ratings' ? '好差评' : '差评工单');
    const ctx: ExportContext = { names: await ExportNames.load(), time: hallTime(this.deps.timeZone), now: this.deps.clock.now() };
    const where = [...req.where, { createdAt: { [Op.gte]: req.from, [Op.lt]: req.to } }];
    if (req.kind === 'ratings') {
      await this.#pipe(Rating, where, RATING_COLUMNS, sink, ctx, async (rows) => rows);
    } else {
      await this.#pipe(RatingWorkOrder, where, WORK_ORDER_COLUMNS, sink, ctx, async (orders) => {
        const ratings = new Map((await Rating.findAll({ where: { id: orders.map((o) => o.ratingId) } })).map((r) => [r.id, r]));
        return orders.map((order): OrderRow => ({ order, rating: ratings.get(order.ratingId) }));
      });
    }
    await sink.end();
  }

  async #pipe<M extends Model & Keyed & { windowId: string | null; accountId: string; departmentId: string | null; siteId: string | null }, R>(
    model: ModelStatic<M>,
    where: WhereOptions[],
    columns: ExportColumn<R>[],
    sink: ExportSink,
    ctx: ExportContext,
    toRows: (batch: M[]) => Promise<R[]>,
  ): Promise<void> {
    await sink.header(
      columns.map((c) => c.header),
      columns.map((c) => c.width),
    );
    let after: Keyed | null = null;
    for (;;) {
      const page: WhereOptions[] = after
        ? [...where, { [Op.or]: [{ createdAt: { [Op.gt]: after.createdAt } }, { createdAt: after.createdAt, id: { [Op.gt]: after.id } }] }]
        : where;
      const batch = await model.findAll({
        where: { [Op.and]: page },
        order: [
          ['createdAt', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: this.deps.batchSize ?? BATCH,
      });
      if (!batch.length) return;
      await ctx.names.learn(batch);
      const rows = await toRows(batch);
      await sink.rows(rows.map((row) => columns.map((c) => c.cell(row, ctx))));
      if (batch.length < (this.deps.batchSize ?? BATCH)) return;
      after = batch[batch.length - 1]!;
    }
  }
}
