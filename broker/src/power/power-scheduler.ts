import { Op } from 'sequelize';
import type { z } from 'zod';
import type { bulkCommandBody } from '@yunzhuo/protocol/agent/bulk-commands';
import type { BulkCommandService } from '../agents/bulk-commands.service.js';
import { systemActor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { every, type Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { CalendarDay } from '../lifecycle/warmup/calendar-day.model.js';
import { isWorkingDay, localTime, type CalendarDays } from '../lifecycle/warmup/warmup-calendar.js';
import { PowerSchedule } from './power-schedule.model.js';

/** a step more than this late (minutes) is skipped for the day: a broker down at 18:30 and up at 23:00 switches nothing off */
export const LATE_LIMIT_MINUTES = 60;
const WEEK = { days: [1, 2, 3, 4, 5] };
type BulkCommand = z.output<typeof bulkCommandBody>['command'];

export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const STEPS = [
  { step: 'power-off', at: 'powerOffAt', last: 'lastPowerOffOn', command: { type: 'shutdown', delaySeconds: 0 } },
  { step: 'wake', at: 'wakeAt', last: 'lastWakeOn', command: { type: 'wake' } },
] as const satisfies ReadonlyArray<{ step: string; at: keyof PowerSchedule; last: keyof PowerSchedule; command: BulkCommand }>;

/**
 * Runs the night power schedules on the injected Clock (issue 17): every `checkMs` it looks at
 * the hall's local time; a step due today (at or after its time, less than an hour late, on a
 * day the schedule covers) is claimed with ONE conditional UPDATE of its last-run date, so each
 * step runs once a day whichever broker process sees it first, then runs as a bulk terminal
 * action of the system (per-terminal results, `terminal.command` / `terminal.wake` rows and the
 * bulk summary) and one `power-schedule.run` audit row. A terminal whose clerk is still working
 * is not powered off (reported `IN_USE`).
 */
export class PowerScheduler {
  #stop: (() => void) | null = null;
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      bulk: BulkCommandService;
      audit: AuditService;
      events: LiveEvents;
      clock: Clock;
      timeZone: string;
      checkMs: number;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.#stop = every(this.deps.clock, this.deps.checkMs, () => {
      this.#running = this.#running.then(() => this.tick()).catch((err: unknown) => this.deps.logger.error({ err }, 'power schedule check failed'));
    });
  }

  /** resolves once the check in progress (if any) is done */
  settled(): Promise<void> {
    return this.#running;
  }

  async close(): Promise<void> {
    this.#stop?.();
    await this.#running;
  }

  async tick(): Promise<void> {
    const schedules = await PowerSchedule.findAll({ where: { enabled: true } });
    if (schedules.length === 0) return;
    const now = localTime(this.deps.clock.now(), this.deps.timeZone);
    const listed: CalendarDays = new Map((await CalendarDay.findAll()).map((d) => [d.date, d.kind]));
    const workingDay = isWorkingDay(WEEK, now, listed);
    for (const schedule of schedules) {
      if (schedule.days === 'working-days' && !workingDay) continue;
      for (const step of STEPS) {
        const at = schedule[step.at];
        if (!at || now.minutes < minutesOf(at) || now.minutes >= minutesOf(at) + LATE_LIMIT_MINUTES) continue;
        if (schedule[step.last] === now.date) continue;
        const [claimed] = await PowerSchedule.update(
          { [step.last]: now.date },
          { where: { id: schedule.id, enabled: true, [Op.or]: [{ [step.last]: null }, { [step.last]: { [Op.ne]: now.date } }] } },
        );
        if (claimed !== 1) continue; // another broker process took it
        await this.#run(schedule, step.step, step.command, now.date);
      }
    }
  }

  async #run(schedule: PowerSchedule, step: string, command: BulkCommand, date: string): Promise<void> {
    const actor = systemActor();
    try {
      const result = await this.deps.bulk.run(
        actor,
        { siteId: schedule.siteId, ...(schedule.area ? { area: schedule.area } : {}), command, timeoutSeconds: 30 },
        { keepTerminalsInUse: command.type === 'shutdown' },
      );
      await this.deps.audit.record(actor, {
        action: 'power-schedule.run',
        targetType: 'power-schedule',
        targetId: schedule.id,
        siteId: schedule.siteId,
        details: { step, date, area: schedule.area, bulkId: result.bulkId, total: result.total, succeeded: result.succeeded },
      });
      this.deps.logger.info({ scheduleId: schedule.id, step, total: result.total, succeeded: result.succeeded }, 'power schedule ran');
    } catch (err) {
      await this.deps.audit.record(actor, {
        action: 'power-schedule.run',
        targetType: 'power-schedule',
        targetId: schedule.id,
        siteId: schedule.siteId,
        details: { step, date, area: schedule.area, error: (err as Error).message.slice(0, 300) },
      });
    }
    this.deps.events.publish('resource.changed', { resource: 'power-schedules', id: schedule.id, action: 'update', siteId: schedule.siteId });
  }
}
