/** Time as a dependency, so every timeout and grace period is testable without sleeping. */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

export interface ClockTimer {
  unref?(): unknown;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/**
 * Runs `fn` every `ms` on `clock` until the returned function stops it. The next run is armed
 * before this one starts, so a run that throws does not end the schedule. Never keeps the
 * process alive (unref).
 */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let stopped = false;
  let timer: ClockTimer;
  const arm = () => {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      arm();
      fn();
    }, ms);
    timer.unref?.();
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
}
