import type { Clock, ClockTimer } from '../../broker/src/lib/clock.js';

interface Pending {
  at: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when a test says so; timers fire in order during `advance`. */
export class ManualClock implements Clock {
  #now: number;
  #timers: Pending[] = [];

  constructor(start = Date.parse('2026-12-01T08:30:00+08:00')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer: Pending = { at: this.#now + ms, fn, cancelled: false };
    this.#timers.push(timer);
    return timer as unknown as ClockTimer;
  }

  clearTimeout(timer: ClockTimer): void {
    (timer as unknown as Pending).cancelled = true;
  }

  /** ms until each pending timer fires, soonest first (a test waits for the code under test to arm one) */
  pending(): number[] {
    return this.#timers
      .filter((t) => !t.cancelled)
      .map((t) => t.at - this.#now)
      .sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#now = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.#now = target;
    this.#timers = this.#timers.filter((t) => !t.cancelled);
  }

  /**
   * A machine that slept `ms`: the time of day moves on, every pending timer is `ms` later (timers
   * count awake time only) and none fires on the way. For a test that needs the next day without
   * running a day's worth of 1 s timers.
   */
  sleep(ms: number): void {
    this.#now += ms;
    for (const t of this.#timers) t.at += ms;
  }
}
