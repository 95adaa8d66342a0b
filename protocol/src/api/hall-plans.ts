import { z } from 'zod';
import { idSchema, text } from './common.js';

/** Bytes: the largest floor plan image the broker takes (a scanned A3 plan as PNG fits). */
export const PLAN_MAX_BYTES = 5 * 1024 * 1024;
/** Pixels along either side. */
export const PLAN_MAX_SIDE = 16384;
/** Only raster images: an SVG can carry script, so it is refused rather than sanitised. */
export const PLAN_IMAGE_TYPES = ['image/png', 'image/jpeg'] as const;

/** `PUT /api/v1/hall-plans/image?siteId=&area=`: the plan of a site, or of one hall area (`windows.area`). */
export const planUploadQuery = z
  .object({
    siteId: idSchema,
    /** empty or absent: the whole site's plan (windows whose area has no plan of its own) */
    area: z.union([text(32), z.literal('')]).optional(),
  })
  .strict();
export const planListQuery = z.object({ siteId: idSchema.optional() }).strict();

export const planOut = z.object({
  id: z.string(),
  siteId: z.string(),
  /** null: the whole site */
  area: z.string().nullable(),
  contentType: z.enum(PLAN_IMAGE_TYPES),
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  sha256: z.string(),
  /** where the image is read (cookie auth) */
  imageUrl: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type HallPlan = z.infer<typeof planOut>;
export const planListOut = z.object({ items: z.array(planOut) });

/** A fraction of the image's width or height, so the positions scale with the drawing. */
const fraction = z.number().min(0).max(1);
/** `PUT /api/v1/hall-plans/{id}/placements`: where windows sit on the plan; null takes one off it. */
export const planPlacementsBody = z
  .object({
    placements: z
      .array(z.object({ windowId: idSchema, planX: fraction.nullable(), planY: fraction.nullable() }).strict())
      .min(1)
      .max(500)
      .refine((list) => list.every((p) => (p.planX === null) === (p.planY === null)), { message: 'planX 与 planY 须同时给出或同时为空' }),
  })
  .strict();
export type PlanPlacements = z.input<typeof planPlacementsBody>;
export const planPlacementsOut = z.object({
  changed: z.number().int(),
  windows: z.array(z.object({ id: z.string(), code: z.string(), planX: z.number().nullable(), planY: z.number().nullable() })),
});
