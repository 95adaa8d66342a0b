import { z } from 'zod';
import { idSchema, listQueryBase, text } from './common.js';
import { ratingLevelSchema } from './ratings.js';

/**
 * 差评 follow-up: every 差评 opens a work order. open → visited (回访) → rectified (整改);
 * open or visited → appealed (申诉) → excluded (复核 upheld: the rating leaves the figures) or
 * back where it was (复核 refused). One 追评 after the 回访.
 */
export const WORK_ORDER_STATES = ['open', 'visited', 'rectified', 'appealed', 'excluded'] as const;
export const workOrderStateSchema = z.enum(WORK_ORDER_STATES);

export const workOrderNoteBody = z.object({ note: text(500) }).strict();
export const workOrderAppealBody = z.object({ reason: text(500) }).strict();
export const workOrderReviewBody = z.object({ decision: z.enum(['exclude', 'keep']), note: text(500) }).strict();
/** 追评: the citizen's second word, once, recorded at or after the 回访 */
export const workOrderFollowUpBody = z.object({ level: ratingLevelSchema, comment: text(300).optional() }).strict();

export const workOrderOut = z.object({
  id: z.string(),
  ratingId: z.string(),
  state: workOrderStateSchema,
  level: ratingLevelSchema,
  tags: z.array(z.string()),
  caseNumber: z.string().nullable(),
  itemCode: z.string().nullable(),
  siteId: z.string().nullable(),
  windowId: z.string().nullable(),
  accountId: z.string(),
  departmentId: z.string().nullable(),
  /** the ends of the working days the county allows (working-day calendar: weekends, holidays, 调休) */
  visitDueAt: z.string(),
  rectifyDueAt: z.string(),
  visitedAt: z.string().nullable(),
  visitNote: z.string().nullable(),
  rectifiedAt: z.string().nullable(),
  rectifyNote: z.string().nullable(),
  appealedAt: z.string().nullable(),
  appealReason: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewDecision: z.enum(['exclude', 'keep']).nullable(),
  reviewNote: z.string().nullable(),
  followUpAt: z.string().nullable(),
  followUpLevel: ratingLevelSchema.nullable(),
  followUpComment: z.string().nullable(),
  /** past a deadline with its step not done, or done late */
  visitOverdue: z.boolean(),
  rectifyOverdue: z.boolean(),
  createdAt: z.string(),
  /** names for the reader (a department reviewer may read no other list): the tags' labels in the rating's tag-set version, window code, clerk, department, site */
  tagLabels: z.array(z.string()),
  names: z.object({ window: z.string().nullable(), clerk: z.string().nullable(), department: z.string().nullable(), site: z.string().nullable() }),
});

export const workOrderQuery = z
  .object({
    ...listQueryBase,
    order: z.enum(['asc', 'desc']).default('desc'),
    sort: z.enum(['createdAt', 'visitDueAt', 'rectifyDueAt']).default('createdAt'),
    state: workOrderStateSchema.optional(),
    siteId: idSchema.optional(),
    departmentId: idSchema.optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .strict();

export const workOrderReportQuery = z
  .object({ from: z.string().datetime({ offset: true }).optional(), to: z.string().datetime({ offset: true }).optional() })
  .strict();

const workOrderCounts = {
  total: z.number().int(),
  /** neither rectified nor excluded */
  open: z.number().int(),
  visitOverdue: z.number().int(),
  rectifyOverdue: z.number().int(),
  /** rectified by its deadline */
  rectifiedOnTime: z.number().int(),
  excluded: z.number().int(),
  /** rectifiedOnTime / (total − excluded), 0 when none */
  onTimeRate: z.number(),
};
export const workOrderReportOut = z.object({
  items: z.array(z.object({ departmentId: z.string().nullable(), name: z.string().nullable(), ...workOrderCounts })),
  overall: z.object(workOrderCounts),
});
