import { isWorkingDay, localTime, type CalendarDays } from '../lifecycle/warmup/warmup-calendar.js';

/** Monday to Friday; the county's calendar (holidays, 调休 working days) overrides it day by day. */
const WEEK = { days: [1, 2, 3, 4, 5] };

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** `+08:00` for Asia/Shanghai at `epochMs` (`Z` for UTC). */
function offsetOf(timeZone: string, epochMs: number): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ??
    'GMT';
  const offset = name.replace('GMT', '');
  return offset === '' ? 'Z' : offset;
}

/**
 * The end of the `workingDays`-th working day after the local day of `fromMs` (the day of the
 * rating itself does not count), in the hall's time zone: weekends off, the county's listed
 * holidays off, its listed make-up working days (调休) on. The same calendar the warm-up reads.
 */
export function workingDayDeadline(fromMs: number, workingDays: number, timeZone: string, listed: CalendarDays): Date {
  let date = localTime(fromMs, timeZone).date;
  for (let counted = 0; counted < workingDays;) {
    date = nextDate(date);
    if (isWorkingDay(WEEK, { date, weekday: weekdayOf(date), minutes: 0 }, listed)) counted++;
  }
  const endsAt = nextDate(date);
  return new Date(Date.parse(`${endsAt}T00:00:00${offsetOf(timeZone, fromMs)}`));
}
