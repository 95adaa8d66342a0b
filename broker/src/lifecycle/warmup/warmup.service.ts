import { Op } from 'sequelize';
import type { AuditService } from '../../audit/audit.service.js';
import { Desktop } from '../../desktops/desktop.model.js';
import type { Clock } from '../../lib/clock.js';
import type { LiveEvents } from '../../lib/live-events.js';
import { CalendarDay } from './calendar-day.model.js';
import type { DesktopActions } from '../actions/desktop-actions.service.js';
import { moveDesktop } from '../desktop-states.js';
import { PoolLifecycle } from '../pool-lifecycle.model.js';
import { inWarmupWindow, startsAllowed, type CalendarDays } from './warmup-calendar.js';

export interface WarmupTick {
  poolId: string;
  ready: number;
  starting: number;
  started: string[];
}

/**
 * The morning warm-up: in each pool's window before `readyBy` on working days, powers on
 * desktops that are down (the pool's `start` action) until the target count is up and healthy,
 * with at most `maxConcurrentStarts` in `starting` at once. The count of `starting` desktops
 * is read from the database, so the cap holds across ticks, restarts and brokers.
 */
export class WarmupService {
  constructor(private readonly deps: { actions: DesktopActions; audit: AuditService; events: LiveEvents; clock: Clock }) {}

  async tick(): Promise<WarmupTick[]> {
    const calendars = (await PoolLifecycle.findAll({ where: { probeDesktops: true } })).filter((p) => p.warmup?.enabled);
    if (calendars.length === 0) return [];
    const listed: CalendarDays = new Map((await CalendarDay.findAll()).map((d) => [d.date, d.kind]));
    const now = this.deps.clock.now();
    const ticks: WarmupTick[] = [];
    for (const settings of calendars) {
      const cal = settings.warmup!;
      if (!inWarmupWindow(cal, now, listed)) continue;
      ticks.push(await this.warm(settings.poolId, cal.desktops, cal.maxConcurrentStarts));
    }
    return ticks;
  }

  private async warm(poolId: string, target: number, cap: number): Promise<WarmupTick> {
    const [ready, starting] = await Promise.all([
      Desktop.count({ where: { poolId, state: 'free', health: 'up', drain: false } }),
      Desktop.count({ where: { poolId, state: 'starting' } }),
    ]);
    // without a start action there is nothing that could power a desktop on
    const wanted = (await this.deps.actions.actionFor(poolId, 'start')) ? startsAllowed(target, ready, starting, cap) : 0;
    const started: string[] = [];
    if (wanted > 0) {
      const candidates = await Desktop.findAll({
        where: { poolId, state: 'free', health: 'down', drain: false, sessionId: { [Op.is]: null } },
        order: [['name', 'ASC']],
        limit: wanted,
      });
      for (const d of candidates) {
        const moved = await moveDesktop(this.deps, d.id, ['free'], 'starting', { reason: 'warm-up', details: { cause: 'warm-up' } });
        if (!moved) continue;
        started.push(d.id);
        this.deps.actions.start(d.id);
      }
    }
    return { poolId, ready, starting: starting + started.length, started };
  }
}
