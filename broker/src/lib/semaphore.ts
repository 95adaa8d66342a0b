/**
 * Runs at most `limit` tasks at once; the rest wait in order. A finishing task hands its slot
 * straight to the next waiter, so a newcomer can never slip in between and exceed the limit.
 * Used so health probes of a thousand desktops never open a thousand sockets in one burst, and
 * so no more password hashes run at once than there are hash threads.
 */
export class Semaphore {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('Semaphore limit must be a positive integer');
  }

  get active(): number {
    return this.#active;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
