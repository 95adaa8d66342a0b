/** Reconnect attempts before the page says what is wrong and offers the login screen. */
export const MAX_RECONNECT_ATTEMPTS = 6;

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

/**
 * Capped exponential backoff with ±30 % jitter, so a hall of terminals that lost the network
 * together does not come back in one burst: attempt 1 ≈ 250 ms, 2 ≈ 500 ms, … ≤ 8 s.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.7 + 0.6 * random()));
}
