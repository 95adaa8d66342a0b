import { z } from 'zod';
import { idSchema, listQueryBase, text } from './common.js';
import { RATING_SCORES } from './rating-words.js';

export { BAD_RATING_REASONS, RATING_SCORES, type RatingScore } from './rating-words.js';

/** 好评 / 中评 / 差评: one citizen's rating of one service (一次一评). */
export const ratingScoreSchema = z.enum(RATING_SCORES);

/** The window page asks for a rating of the service it just gave (terminal credential). */
export const ratingInvitationBody = z.object({ sessionId: idSchema }).strict();
export const ratingInvitationOut = z.object({ id: z.string(), expiresAt: z.string() });

export const ratingSubmitBody = z
  .object({
    invitationId: idSchema,
    score: ratingScoreSchema,
    reasons: z.array(text(100)).max(10).optional(),
  })
  .strict();

export const ratingOut = z.object({
  id: z.string(),
  invitationId: z.string(),
  sessionId: z.string(),
  score: ratingScoreSchema,
  reasons: z.array(z.string()),
  siteId: z.string().nullable(),
  windowId: z.string().nullable(),
  terminalId: z.string().nullable(),
  accountId: z.string(),
  departmentId: z.string().nullable(),
  poolId: z.string(),
  createdAt: z.string(),
});

const ratingFilters = {
  siteId: idSchema.optional(),
  windowId: idSchema.optional(),
  accountId: idSchema.optional(),
  departmentId: idSchema.optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
};

export const ratingQuery = z
  .object({
    ...listQueryBase,
    order: z.enum(['asc', 'desc']).default('desc'),
    sort: z.enum(['createdAt']).default('createdAt'),
    score: ratingScoreSchema.optional(),
    ...ratingFilters,
  })
  .strict();

export const RATING_GROUPS = ['window', 'account', 'department'] as const;
export const ratingSummaryQuery = z.object({ groupBy: z.enum(RATING_GROUPS).default('window'), ...ratingFilters }).strict();

const ratingCounts = {
  good: z.number().int(),
  neutral: z.number().int(),
  bad: z.number().int(),
  total: z.number().int(),
  /** 好评率: good / total (0 when there is none) */
  goodRate: z.number(),
  /** 满意率: (good + neutral) / total, the rate 好差评 reports quote */
  satisfaction: z.number(),
};

export const ratingSummaryOut = z.object({
  groupBy: z.enum(RATING_GROUPS),
  items: z.array(z.object({ key: z.string().nullable(), name: z.string().nullable(), ...ratingCounts })),
  overall: z.object(ratingCounts),
});
