import type { Clock, ClockTimer } from '../../broker/src/lib/clock.js';

/**
 * A clock for tests in which days pass (deadlines in working days, a day's export). Only the
 * time matters there, so the test sets `at` and the broker's periodic jobs never run: a week of
 * their ticks on a ManualClock would be replayed one by one.
 */
export class CalendarClock implements Clock {
  constructor(public at: number) {}
  now(): number {
    return this.at;
  }
  setTimeout(): ClockTimer {
    return {};
  }
  clearTimeout(): void {}
}
