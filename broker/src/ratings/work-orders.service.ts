import type { Transaction } from 'sequelize';
import type { RatingLevel } from '@yunzhuo/protocol/api/rating-words';
import { AccountDepartment } from '../accounts/account.model.js';
import type { Actor } from '../auth/actor.js';
import { mayOnWorkOrder, type WorkOrderStep } from '../auth/policy.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { CalendarDay } from '../lifecycle/warmup/calendar-day.model.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { Rating } from './rating.model.js';
import { RatingWorkOrder, type WorkOrderState } from './work-order.model.js';
import { workingDayDeadline } from './working-days.js';
import { enqueueRatingChange } from './rating-outbox.js';

export interface WorkOrderDeps {
  audit: AuditService;
  clock: Clock;
  /** 回访 and 整改 deadlines, in working days after the rating's day */
  visitWorkingDays: number;
  rectifyWorkingDays: number;
  timeZone: string;
}

/** What each step needs, from which states it may run, and what it writes. */
export type WorkOrderStepInput =
  | { kind: 'visit'; note: string }
  | { kind: 'rectify'; note: string }
  | { kind: 'appeal'; reason: string }
  | { kind: 'review'; decision: 'exclude' | 'keep'; note: string }
  | { kind: 'follow-up'; level: RatingLevel; comment?: string | undefined };

const FROM: Record<WorkOrderStepInput['kind'], readonly WorkOrderState[]> = {
  visit: ['open'],
  rectify: ['open', 'visited'],
  appeal: ['open', 'visited'],
  review: ['appealed'],
  // 追评 follows the 回访
  'follow-up': ['visited', 'rectified'],
};

const NEEDS: Record<WorkOrderStepInput['kind'], WorkOrderStep> = {
  visit: 'handle',
  rectify: 'handle',
  appeal: 'handle',
  review: 'review',
  'follow-up': 'handle',
};

/** 差评 follow-up: a work order per 差评 with working-day deadlines, and its steps. */
export class WorkOrderService {
  constructor(private readonly deps: WorkOrderDeps) {}

  /** In the rating's own transaction: a 差评 is never stored without its order. */
  async openFor(rating: Rating, transaction: Transaction): Promise<RatingWorkOrder> {
    const listed = new Map((await CalendarDay.findAll({ transaction })).map((d) => [d.date, d.kind] as const));
    const at = rating.createdAt.getTime();
    return RatingWorkOrder.create(
      {
        ratingId: rating.id,
        siteId: rating.siteId,
        departmentId: rating.departmentId,
        windowId: rating.windowId,
        accountId: rating.accountId,
        state: 'open',
        visitDueAt: workingDayDeadline(at, this.deps.visitWorkingDays, this.deps.timeZone, listed),
        rectifyDueAt: workingDayDeadline(at, this.deps.rectifyWorkingDays, this.deps.timeZone, listed),
        createdAt: rating.createdAt,
        updatedAt: rating.createdAt,
      },
      { transaction },
    );
  }

  /** The departments a department reviewer follows up (empty for other roles). */
  async reviewerDepartments(actor: Actor, transaction?: Transaction): Promise<Set<string>> {
    if (!actor.roles.includes('department-reviewer')) return new Set();
    const rows = await AccountDepartment.findAll({ where: { accountId: actor.id }, ...(transaction ? { transaction } : {}) });
    return new Set(rows.map((r) => r.departmentId));
  }

  /** An order the actor may read; NOT_FOUND otherwise (a department never learns of another's orders). */
  async findVisible(actor: Actor, id: string): Promise<RatingWorkOrder> {
    const order = await RatingWorkOrder.findByPk(id);
    if (!order || !mayOnWorkOrder(actor, 'read', order, await this.reviewerDepartments(actor)))
      throw new AppError('NOT_FOUND', { resource: 'rating-work-order' });
    return order;
  }

  async take(actor: Actor, id: string, step: WorkOrderStepInput): Promise<RatingWorkOrder> {
    return writeTransaction(RatingWorkOrder.sequelize!, async (transaction) => {
      const order = await RatingWorkOrder.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      const departments = await this.reviewerDepartments(actor, transaction);
      if (!order || !mayOnWorkOrder(actor, 'read', order, departments)) throw new AppError('NOT_FOUND', { resource: 'rating-work-order' });
      if (!mayOnWorkOrder(actor, NEEDS[step.kind], order, departments)) throw new AppError('FORBIDDEN', { resource: 'rating-work-order', step: step.kind });
      if (!FROM[step.kind].includes(order.state)) throw new AppError('WORK_ORDER_STATE', { state: order.state, step: step.kind });
      if (step.kind === 'appeal' && order.appealedAt)
        throw new AppError('WORK_ORDER_STATE', { state: order.state, step: step.kind, reason: 'appealed once already' });
      if (step.kind === 'follow-up' && order.followUpAt)
        throw new AppError('WORK_ORDER_STATE', { state: order.state, step: step.kind, reason: 'one 追评 only' });
      const now = new Date(this.deps.clock.now());
      const before = order.get({ plain: true });
      await order.update(this.#changes(order, step, now, actor), { transaction });
      if (step.kind === 'review' && step.decision === 'exclude') await Rating.update({ excluded: true }, { where: { id: order.ratingId }, transaction });
      const rating = await Rating.findByPk(order.ratingId, { transaction, rejectOnEmpty: true });
      await enqueueRatingChange(transaction, now, rating, `work-order.${step.kind}`, order);
      await this.deps.audit.record(
        actor,
        {
          action: `rating-work-order.${step.kind}`,
          targetType: 'rating-work-order',
          targetId: order.id,
          siteId: order.siteId,
          before: { state: before.state },
          after: { state: order.state },
          details: { ...step, ratingId: order.ratingId },
        },
        transaction,
      );
      return order;
    });
  }

  #changes(order: RatingWorkOrder, step: WorkOrderStepInput, now: Date, actor: Actor): Partial<RatingWorkOrder> {
    switch (step.kind) {
      case 'visit':
        return { state: 'visited', visitedAt: now, visitNote: step.note };
      case 'rectify':
        return { state: 'rectified', rectifiedAt: now, rectifyNote: step.note };
      case 'appeal':
        return { state: 'appealed', appealedAt: now, appealReason: step.reason };
      case 'review':
        return {
          state: step.decision === 'exclude' ? 'excluded' : order.visitedAt ? 'visited' : 'open',
          reviewedAt: now,
          reviewDecision: step.decision,
          reviewNote: step.note,
          reviewedBy: actor.id === 'system' ? null : actor.id,
        };
      case 'follow-up':
        return { followUpAt: now, followUpLevel: step.level, followUpComment: step.comment ?? null };
    }
  }
}
