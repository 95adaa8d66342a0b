import type { z } from 'zod';
import type { PowerSchedule, PowerScheduleCreate, powerScheduleQuery, powerScheduleUpdate } from '@yunzhuo/protocol/api/power-schedules';
import { crudResource } from './resource';

export type { PowerSchedule, PowerScheduleCreate };
type Update = z.input<typeof powerScheduleUpdate>;
type Query = Partial<z.input<typeof powerScheduleQuery>>;

/** Night power-off and wake-on-LAN schedules per site or hall area (issue 17). */
export const powerSchedules = crudResource<PowerSchedule, PowerScheduleCreate, Update, Query>('power-schedules');
