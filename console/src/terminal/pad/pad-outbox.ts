import type { z } from 'zod';
import type { padRatingBody } from '@yunzhuo/protocol/api/rating-pads';

/** one rating on its way (this module is also run by Node in the tests: no DOM, no relative imports) */
export type PadRating = z.input<typeof padRatingBody>;

/** What the outbox keeps between attempts (and across a reload): the ratings not yet delivered. */
export interface PadStore {
  load(): PadRating[];
  save(items: PadRating[]): void;
}

/** Why a rating left the outbox: delivered, or refused for good (the broker answered with an error that a retry cannot change). */
export type PadOutcome = { kind: 'delivered'; rating: PadRating } | { kind: 'refused'; rating: PadRating; code: string };

/**
 * The pad's ratings on their way to the broker. A rating is stored before it is sent, with its
 * idempotency key, and leaves only when the broker answered: 2xx (delivered, or a repeat of one
 * delivered), or a refusal no retry can change (the invitation expired, was rated, is unknown).
 * Not reached (network, a proxy's 5xx without our error body, the broker's 5xx): it stays, in
 * order, for the next `flush`. The broker keeps the first rating of a key, so a rating whose
 * answer was lost is sent again harmlessly: delivered exactly once.
 */
export class PadOutbox {
  #flushing: Promise<void> | null = null;

  constructor(
    private readonly store: PadStore,
    private readonly send: (rating: PadRating) => Promise<void>,
    private readonly onOutcome: (outcome: PadOutcome) => void = () => undefined,
  ) {}

  get pending(): PadRating[] {
    return this.store.load();
  }

  /** keeps the rating first, then tries to send everything waiting */
  add(rating: PadRating): Promise<void> {
    if (!this.store.load().some((r) => r.idempotencyKey === rating.idempotencyKey)) this.store.save([...this.store.load(), rating]);
    return this.flush();
  }

  /** one pass at a time; stops at the first rating the broker could not be asked about (order kept) */
  flush(): Promise<void> {
    this.#flushing ??= this.#pass().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #pass(): Promise<void> {
    for (let next = this.store.load()[0]; next; next = this.store.load()[0]) {
      let outcome: PadOutcome;
      try {
        await this.send(next);
        outcome = { kind: 'delivered', rating: next };
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        // not reached, or the broker failing: try again later; 401 (unpaired) too, the rating is still the citizen's;
        // and the window's terminal out of service for now (409 TERMINAL_NOT_IN_SERVICE): it comes back
        const code = (error as { code?: string }).code;
        if (status === 0 || status >= 500 || status === 401 || status === 429 || code === 'TERMINAL_NOT_IN_SERVICE') return;
        outcome = { kind: 'refused', rating: next, code: code ?? 'UNKNOWN' };
      }
      this.store.save(this.store.load().filter((r) => r.idempotencyKey !== next.idempotencyKey));
      this.onOutcome(outcome);
    }
  }
}
