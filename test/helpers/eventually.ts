/**
 * How long `eventually` waits by default, ms. It returns as soon as the check holds, so a long
 * limit costs a passing test nothing; it only has to outlast a busy 2-core machine, where a real
 * sshd handshake or a child process start has taken over 5 s.
 */
export const EVENTUALLY_TIMEOUT_MS = 20_000;

/**
 * The one polling helper of the test suite (instead of sleeping a guessed time): calls `check`
 * every `intervalMs` until it returns a value other than false, null or undefined without
 * throwing, and resolves with that value; after `timeoutMs` it throws the last error (an assert's
 * message) or "condition still …". A check made of asserts ends with `return true`.
 */
export async function eventually<T>(check: () => Promise<T> | T, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Found<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? EVENTUALLY_TIMEOUT_MS);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (isFound(value)) return value;
      lastError = new Error(`condition still ${String(value)}`);
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
  }
}

/** What `eventually` resolves with: the check's value, never a "not yet" one. */
export type Found<T> = Exclude<T, false | null | undefined>;

function isFound<T>(value: T): value is Found<T> {
  return value !== false && value !== undefined && value !== null;
}
