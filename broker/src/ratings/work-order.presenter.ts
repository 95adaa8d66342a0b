import type { z } from 'zod';
import type { workOrderOut } from '@yunzhuo/protocol/api/rating-work-orders';
import { iso } from '../http/refs.js';
import type { Rating } from './rating.model.js';
import type { RatingWorkOrder } from './work-order.model.js';

/** Late: the step is done after its deadline, or not done and the deadline has passed (an excluded order is never late). */
export function lateness(o: RatingWorkOrder, now: number): { visitOverdue: boolean; rectifyOverdue: boolean } {
  if (o.state === 'excluded') return { visitOverdue: false, rectifyOverdue: false };
  const late = (doneAt: Date | null, dueAt: Date) => (doneAt ? doneAt.getTime() : now) > dueAt.getTime();
  return { visitOverdue: late(o.visitedAt, o.visitDueAt), rectifyOverdue: late(o.rectifiedAt, o.rectifyDueAt) };
}

export interface WorkOrderNames {
  tagLabels: string[];
  names: { window: string | null; clerk: string | null; department: string | null; site: string | null };
}

export function presentWorkOrder(
  o: RatingWorkOrder,
  rating: Pick<Rating, 'level' | 'tags' | 'caseNumber' | 'itemCode'>,
  now: number,
  names: WorkOrderNames = { tagLabels: rating.tags ?? [], names: { window: null, clerk: null, department: null, site: null } },
): z.output<typeof workOrderOut> {
  return {
    id: o.id,
    ratingId: o.ratingId,
    state: o.state,
    level: rating.level,
    tags: rating.tags ?? [],
    caseNumber: rating.caseNumber,
    itemCode: rating.itemCode,
    siteId: o.siteId,
    windowId: o.windowId,
    accountId: o.accountId,
    departmentId: o.departmentId,
    visitDueAt: iso(o.visitDueAt)!,
    rectifyDueAt: iso(o.rectifyDueAt)!,
    visitedAt: iso(o.visitedAt),
    visitNote: o.visitNote,
    rectifiedAt: iso(o.rectifiedAt),
    rectifyNote: o.rectifyNote,
    appealedAt: iso(o.appealedAt),
    appealReason: o.appealReason,
    reviewedAt: iso(o.reviewedAt),
    reviewDecision: o.reviewDecision,
    reviewNote: o.reviewNote,
    followUpAt: iso(o.followUpAt),
    followUpLevel: o.followUpLevel,
    followUpComment: o.followUpComment,
    ...lateness(o, now),
    createdAt: iso(o.createdAt)!,
    ...names,
  };
}
