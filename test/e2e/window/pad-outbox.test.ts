// The rating pad's outbox (console/src/terminal/pad/pad-outbox.ts), without a browser: a rating
// made while the broker is out of reach waits, in order, and leaves once the broker has answered.
import assert from 'node:assert/strict';
import { PadOutbox, type PadOutcome, type PadRating, type PadStore } from '../../../console/src/terminal/pad/pad-outbox.js';

const rating = (n: number): PadRating => ({
  invitationId: `00000000-0000-4000-8000-00000000000${n}`,
  level: 5,
  tagSetVersion: 1,
  idempotencyKey: `key-000000000000000${n}`,
  ratedAt: '2026-12-04T02:00:00.000Z',
});
const refusal = (status: number, code: string) => Object.assign(new Error(code), { status, code });

function memoryStore(): PadStore & { items: PadRating[] } {
  return {
    items: [],
    load() {
      return structuredClone(this.items);
    },
    save(items) {
      this.items = structuredClone(items);
    },
  };
}

describe('the rating pad outbox', () => {
  it('keeps ratings while the broker is unreachable and sends them in order once it is back, each once', async () => {
    const store = memoryStore();
    const sent: string[] = [];
    let reachable = false;
    const outcomes: PadOutcome[] = [];
    const outbox = new PadOutbox(
      store,
      async (r) => {
        if (!reachable) throw refusal(0, 'NETWORK');
        sent.push(r.idempotencyKey);
      },
      (o) => outcomes.push(o),
    );
    await outbox.add(rating(1));
    await outbox.add(rating(2));
    // the same rating added again (a double tap) is one rating
    await outbox.add(rating(2));
    assert.deepEqual(
      store.items.map((r) => r.idempotencyKey),
      [rating(1).idempotencyKey, rating(2).idempotencyKey],
    );
    assert.deepEqual(sent, []);
    reachable = true;
    await Promise.all([outbox.flush(), outbox.flush()]);
    assert.deepEqual(sent, [rating(1).idempotencyKey, rating(2).idempotencyKey], 'in order, once, even with two flushes at once');
    assert.deepEqual(store.items, []);
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['delivered', 'delivered'],
    );
  });

  it('a broker failing (5xx), a pad unpaired (401), throttled (429) or its terminal out of service (409) keeps the rating; a refusal for good drops it and says why', async () => {
    const store = memoryStore();
    const answers = [
      refusal(502, 'INTERNAL'),
      refusal(401, 'PAD_UNKNOWN'),
      refusal(429, 'PAD_PAIRING_THROTTLED'),
      refusal(409, 'TERMINAL_NOT_IN_SERVICE'),
      refusal(410, 'RATING_EXPIRED'),
    ];
    const outcomes: PadOutcome[] = [];
    const outbox = new PadOutbox(
      store,
      async () => {
        const next = answers.shift();
        if (next) throw next;
      },
      (o) => outcomes.push(o),
    );
    await outbox.add(rating(1));
    await outbox.flush();
    await outbox.flush();
    await outbox.flush();
    assert.equal(store.items.length, 1, 'still waiting after 502, 401, 429 and 409 TERMINAL_NOT_IN_SERVICE');
    await outbox.add(rating(2));
    assert.deepEqual(outcomes, [
      { kind: 'refused', rating: rating(1), code: 'RATING_EXPIRED' },
      { kind: 'delivered', rating: rating(2) },
    ]);
    assert.deepEqual(store.items, []);
  });
});
