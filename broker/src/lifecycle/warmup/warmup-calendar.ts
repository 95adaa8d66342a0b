import type { WarmupCalendar } from '@yunzhuo/protocol/api/lifecycle';

export interface LocalTime {
  /** YYYY-MM-DD in the calendar's time zone */
  date: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number;
  /** minutes since local midnight */
  minutes: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: WEEKDAYS[parts.weekday!] ?? 0, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

export type CalendarDays = ReadonlyMap<string, 'holiday' | 'workday'>;

/** A listed holiday is off even on a weekday; a listed make-up working day (调休) is on even on a weekend. */
export function isWorkingDay(cal: Pick<WarmupCalendar, 'days'>, day: LocalTime, listed: CalendarDays): boolean {
  const kind = listed.get(day.date);
  if (kind === 'holiday') return false;
  if (kind === 'workday') return true;
  return cal.days.includes(day.weekday);
}

/** Whether `epochMs` falls in the warm-up window [readyBy − leadMinutes, readyBy) of a working day. */
export function inWarmupWindow(cal: WarmupCalendar, epochMs: number, listed: CalendarDays): boolean {
  if (!cal.enabled || cal.desktops <= 0) return false;
  const now = localTime(epochMs, cal.timeZone);
  if (!isWorkingDay(cal, now, listed)) return false;
  const readyBy = Number(cal.readyBy.slice(0, 2)) * 60 + Number(cal.readyBy.slice(3, 5));
  return now.minutes >= readyBy - cal.leadMinutes && now.minutes < readyBy;
}

/**
 * How many desktops to power on now: enough to reach the target counting those already up and
 * those still starting, but never more than the boot-storm cap allows in `starting` at once.
 */
export function startsAllowed(target: number, ready: number, starting: number, cap: number): number {
  return Math.max(0, Math.min(target - ready - starting, cap - starting));
}
