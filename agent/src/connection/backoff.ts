/**
 * Capped exponential backoff with jitter: attempt n waits a random time in [x/2, x] where
 * x = min(maxMs, initialMs · 2ⁿ). The lower half keeps the growth, the random upper half spreads
 * a fleet that lost its broker at the same instant, so it does not come back as one herd.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Heartbeat spacing: `intervalMs` ± `jitter` (a fraction, 0.1 = ±10 %). */
export function jittered(intervalMs: number, jitter: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(intervalMs * (1 + jitter * (2 * random() - 1))));
}
