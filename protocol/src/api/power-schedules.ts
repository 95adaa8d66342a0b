import { z } from 'zod';
import { idSchema, listQueryBase, patchOf, text } from './common.js';

/** 24-hour local time of the hall, `HH:MM`. */
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '应为 24 小时制时间，如 18:30');
export const POWER_DAYS = ['working-days', 'every-day'] as const;

/**
 * The night power schedule of a site, or of one hall area (issue 17): every terminal in service
 * there is powered off at `powerOffAt` and woken (wake-on-LAN) at `wakeAt`, in the hall's time
 * zone, on working days (the county calendar: weekends, holidays, 调休) or every day.
 */
const powerScheduleFields = z
  .object({
    siteId: idSchema,
    area: text(32).nullable().default(null),
    enabled: z.boolean().default(true),
    days: z.enum(POWER_DAYS).default('working-days'),
    powerOffAt: clockTime.nullable().default(null),
    wakeAt: clockTime.nullable().default(null),
  })
  .strict();
export const powerScheduleCreate = powerScheduleFields.refine((s) => s.powerOffAt !== null || s.wakeAt !== null, {
  message: '请至少设置关机时间或唤醒时间',
  path: ['powerOffAt'],
});
export const powerScheduleUpdate = patchOf(powerScheduleFields);
export const powerScheduleQuery = z.object({ ...listQueryBase, sort: z.enum(['createdAt']).default('createdAt'), siteId: idSchema.optional() }).strict();
export const powerScheduleOut = z.object({
  id: z.string(),
  siteId: z.string(),
  area: z.string().nullable(),
  enabled: z.boolean(),
  days: z.enum(POWER_DAYS),
  powerOffAt: z.string().nullable(),
  wakeAt: z.string().nullable(),
  /** the local date each step last ran (YYYY-MM-DD) */
  lastPowerOffOn: z.string().nullable(),
  lastWakeOn: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PowerSchedule = z.infer<typeof powerScheduleOut>;
export type PowerScheduleCreate = z.input<typeof powerScheduleCreate>;
