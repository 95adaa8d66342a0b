import { z } from 'zod';
import { idSchema, listQueryBase, text } from './common.js';
import { RATING_CHANNELS, RATING_LEVELS, type RatingLevel } from './rating-words.js';

export { RATING_CHANNELS, RATING_LEVEL_WORDS, RATING_LEVELS, isBadLevel, type RatingChannel, type RatingLevel, type RatingTag } from './rating-words.js';

/** 5 非常满意 … 1 非常不满意 (the national data standard's numbers). */
export const ratingLevelSchema = z.union(
  RATING_LEVELS.map((l) => z.literal(l)) as [z.ZodLiteral<5>, z.ZodLiteral<4>, z.ZodLiteral<3>, z.ZodLiteral<2>, z.ZodLiteral<1>],
);
/** the same from a query string (`?level=2`) */
const ratingLevelQuery = z.coerce
  .number()
  .int()
  .refine((n): n is RatingLevel => (RATING_LEVELS as readonly number[]).includes(n), 'a level 1–5');

/** 办件编号 (case number of one application) and 事项编码 (service item code): printable, no spaces. */
export const caseNumberSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'letters, digits and signs only');
export const itemCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'letters, digits and signs only');

const tagCode = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'letters, digits and - only');
export const ratingTagSchema = z.object({ level: ratingLevelSchema, code: tagCode, label: text(30) }).strict();

/** A new version of the county's tag set (the whole set; versions are never edited). */
export const ratingTagSetBody = z
  .object({ tags: z.array(ratingTagSchema).min(1).max(100) })
  .strict()
  .refine((b) => new Set(b.tags.map((t) => `${t.level}:${t.code}`)).size === b.tags.length, { message: '同一级别下的标签编码重复', path: ['tags'] });
export const ratingTagSetOut = z.object({ version: z.number().int(), tags: z.array(ratingTagSchema), createdAt: z.string(), createdBy: z.string().nullable() });

/** The window page asks for a rating of the service it just gave (terminal credential). */
export const ratingInvitationBody = z.object({ sessionId: idSchema, caseNumber: caseNumberSchema.optional(), itemCode: itemCodeSchema.optional() }).strict();
export const ratingInvitationOut = z.object({
  id: z.string(),
  expiresAt: z.string(),
  caseNumber: z.string().nullable(),
  itemCode: z.string().nullable(),
  /** the tag set the card offers; the submit names its version */
  tagSet: z.object({ version: z.number().int(), tags: z.array(ratingTagSchema) }),
});

/** 实名: the citizen chose to give a name (and optionally a mobile number); absent = 匿名. */
export const raterSchema = z
  .object({
    name: text(50),
    phone: z
      .string()
      .regex(/^1\d{10}$/, '应为 11 位手机号码')
      .optional(),
  })
  .strict();

export const ratingSubmitBody = z
  .object({
    invitationId: idSchema,
    level: ratingLevelSchema,
    tagSetVersion: z.number().int().min(1),
    tags: z.array(tagCode).max(10).optional(),
    comment: text(300).optional(),
    rater: raterSchema.optional(),
  })
  .strict();

export const ratingOut = z.object({
  id: z.string(),
  invitationId: z.string(),
  sessionId: z.string(),
  level: ratingLevelSchema,
  /** 差评 (level 1 or 2) */
  bad: z.boolean(),
  tags: z.array(z.string()),
  tagSetVersion: z.number().int(),
  comment: z.string().nullable(),
  anonymous: z.boolean(),
  raterName: z.string().nullable(),
  /** masked (138****5678) */
  raterPhone: z.string().nullable(),
  caseNumber: z.string().nullable(),
  itemCode: z.string().nullable(),
  channel: z.enum(RATING_CHANNELS),
  /** set aside on 申诉复核: out of every figure */
  excluded: z.boolean(),
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
  itemCode: itemCodeSchema.optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
};

export const ratingQuery = z
  .object({
    ...listQueryBase,
    order: z.enum(['asc', 'desc']).default('desc'),
    sort: z.enum(['createdAt']).default('createdAt'),
    level: ratingLevelQuery.optional(),
    caseNumber: caseNumberSchema.optional(),
    bad: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    ...ratingFilters,
  })
  .strict();

export const RATING_GROUPS = ['window', 'account', 'department', 'site', 'item'] as const;
export const ratingSummaryQuery = z.object({ groupBy: z.enum(RATING_GROUPS).default('window'), ...ratingFilters }).strict();

export const ratingCounts = z.object({
  verySatisfied: z.number().int(),
  satisfied: z.number().int(),
  basicallySatisfied: z.number().int(),
  dissatisfied: z.number().int(),
  veryDissatisfied: z.number().int(),
  total: z.number().int(),
  /** 差评: 不满意 + 非常不满意 */
  bad: z.number().int(),
  /** 满意率: (非常满意 + 满意 + 基本满意) / total, 0 when there is none */
  satisfaction: z.number(),
  /** 差评率: bad / total */
  badRate: z.number(),
});

export const ratingSummaryOut = z.object({
  groupBy: z.enum(RATING_GROUPS),
  items: z.array(ratingCounts.extend({ key: z.string().nullable(), name: z.string().nullable() })),
  overall: ratingCounts,
});

/** The daily export for the hall's assessment: ratings or work orders created in [from, to), as CSV or Excel. */
export const ratingExportQuery = z
  .object({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    from: z.string().datetime({ offset: true }),
    to: z.string().datetime({ offset: true }),
    siteId: idSchema.optional(),
    departmentId: idSchema.optional(),
  })
  .strict();
