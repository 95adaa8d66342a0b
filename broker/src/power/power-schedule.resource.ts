import type { z } from 'zod';
import { powerScheduleCreate, powerScheduleOut, powerScheduleQuery, powerScheduleUpdate } from '@yunzhuo/protocol/api/power-schedules';
import { requireWritableSite } from '../auth/references.js';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import type { Clock } from '../lib/clock.js';
import { localTime } from '../lifecycle/warmup/warmup-calendar.js';
import { PowerSchedule } from './power-schedule.model.js';
import { minutesOf } from './power-scheduler.js';

type Create = z.output<typeof powerScheduleCreate>;
type Update = z.output<typeof powerScheduleUpdate>;

export function presentPowerSchedule(s: PowerSchedule): z.output<typeof powerScheduleOut> {
  return {
    id: s.id,
    siteId: s.siteId,
    area: s.area,
    enabled: s.enabled,
    days: s.days,
    powerOffAt: s.powerOffAt,
    wakeAt: s.wakeAt,
    lastPowerOffOn: s.lastPowerOffOn ?? null,
    lastWakeOn: s.lastWakeOn ?? null,
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

/**
 * A step whose time has already passed today counts as done today: a schedule saved at 18:40
 * with power-off at 18:30 does not switch the hall off on the spot, but from tomorrow.
 */
function passedToday(clock: Clock, timeZone: string, at: string | null | undefined): string | null {
  if (!at) return null;
  const now = localTime(clock.now(), timeZone);
  return now.minutes >= minutesOf(at) ? now.date : null;
}

/** `/api/v1/power-schedules`: scoped to the site tree like every site row, audited by `http/crud.ts`. */
export function powerScheduleResource(clock: Clock, timeZone: string): ResourceDef<PowerSchedule, Create, Update> {
  return {
    path: 'power-schedules',
    type: 'power-schedule',
    model: PowerSchedule,
    schemas: { create: powerScheduleCreate, update: powerScheduleUpdate, query: powerScheduleQuery, out: powerScheduleOut },
    scopeColumn: 'siteId',
    countyWideRows: false,
    siteOf: (s) => s.siteId,
    async targetSite(actor, input, existing, t) {
      if (input.siteId) await requireWritableSite(actor, input.siteId, 'siteId', 'power-schedule', t);
      return input.siteId ?? existing!.siteId;
    },
    filters: (q) => (q.siteId ? { siteId: q.siteId } : {}),
    present: presentPowerSchedule,
    create: (_actor, input, transaction) =>
      PowerSchedule.create(
        { ...input, lastPowerOffOn: passedToday(clock, timeZone, input.powerOffAt), lastWakeOn: passedToday(clock, timeZone, input.wakeAt) },
        { transaction },
      ),
    update: (_actor, row, input, transaction) => {
      const changed = <K extends 'siteId' | 'area' | 'days' | 'powerOffAt' | 'wakeAt'>(key: K) => input[key] !== undefined && input[key] !== row[key];
      // switched back on, or now covering other days or other terminals: a step already past today
      // waits for tomorrow as on a new schedule, not run on the spot at the next check
      const rearmed = (input.enabled === true && !row.enabled) || changed('days') || changed('siteId') || changed('area');
      return row.update(
        {
          ...input,
          ...(rearmed || changed('powerOffAt')
            ? { lastPowerOffOn: passedToday(clock, timeZone, input.powerOffAt !== undefined ? input.powerOffAt : row.powerOffAt) }
            : {}),
          ...(rearmed || changed('wakeAt') ? { lastWakeOn: passedToday(clock, timeZone, input.wakeAt !== undefined ? input.wakeAt : row.wakeAt) } : {}),
        },
        { transaction },
      );
    },
  };
}
