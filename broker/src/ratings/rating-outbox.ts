import { createHmac } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { every, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Rating } from './rating.model.js';
import type { RatingWorkOrder } from './work-order.model.js';
import { RatingOutboxItem } from './rating-outbox.model.js';

export interface OutboxSettings {
  url: string;
  secret: string;
  maxAttempts: number;
  /** first retry after this; each further retry waits twice as long, up to `maxBackoffMs` */
  backoffMs: number;
  maxBackoffMs: number;
  pollMs: number;
  /** one request's limit */
  timeoutMs: number;
}

export const SIGNATURE_HEADER = 'x-yunzhuo-signature';
export const TIMESTAMP_HEADER = 'x-yunzhuo-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** hex HMAC-SHA256 of `${timestamp}.${body}` with the shared secret (docs/RATINGS.md) */
export function outboxSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function ratingFacts(rating: Rating) {
  // the rater's name and number stay in the hall (as in the audit log)
  return {
    id: rating.id,
    level: rating.level,
    tags: rating.tags,
    tagSetVersion: rating.tagSetVersion,
    comment: rating.comment,
    anonymous: rating.anonymous,
    caseNumber: rating.caseNumber,
    itemCode: rating.itemCode,
    channel: rating.channel,
    windowId: rating.windowId,
    accountId: rating.accountId,
    departmentId: rating.departmentId,
    siteId: rating.siteId,
    createdAt: rating.createdAt.toISOString(),
  };
}

function orderFacts(order: RatingWorkOrder) {
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  return {
    id: order.id,
    state: order.state,
    visitDueAt: iso(order.visitDueAt),
    rectifyDueAt: iso(order.rectifyDueAt),
    visitedAt: iso(order.visitedAt),
    rectifiedAt: iso(order.rectifiedAt),
    appealedAt: iso(order.appealedAt),
    reviewedAt: iso(order.reviewedAt),
    reviewDecision: order.reviewDecision ?? null,
    followUpAt: iso(order.followUpAt),
    followUpLevel: order.followUpLevel ?? null,
  };
}

/**
 * Writes a change to the outbox in the change's own transaction: a rating or a work-order step
 * never commits without its row, and a rolled-back change leaves none.
 */
export async function enqueueRatingChange(
  transaction: Transaction,
  at: Date,
  rating: Rating,
  kind: 'rating.created' | `work-order.${string}`,
  order?: RatingWorkOrder,
): Promise<RatingOutboxItem> {
  const changeNo = (await RatingOutboxItem.count({ where: { ratingId: rating.id }, transaction })) + 1;
  const body = {
    idempotencyKey: `${rating.id}:${changeNo}`,
    kind,
    ratingId: rating.id,
    changeNo,
    occurredAt: at.toISOString(),
    rating: ratingFacts(rating),
    workOrder: order ? orderFacts(order) : null,
  };
  return RatingOutboxItem.create(
    {
      ratingId: rating.id,
      changeNo,
      kind,
      windowKey: rating.windowId ?? '',
      payload: JSON.stringify(body),
      state: 'pending',
      nextAttemptAt: at,
      createdAt: at,
      updatedAt: at,
    },
    { transaction },
  );
}

/**
 * Pushes the outbox to the province: strictly in `seq` order per window (a failing item holds
 * back the later items of its window, not other windows), retried with exponential backoff on
 * the clock, dead after `maxAttempts` (a dead item no longer holds its window back).
 */
export class RatingOutboxSender {
  #stop: (() => void) | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly settings: OutboxSettings,
    private readonly logger?: Logger,
  ) {}

  start(): void {
    // a pass that fails (the database away) is retried on the next tick; the rows are still there
    this.#stop = every(
      this.clock,
      this.settings.pollMs,
      () => void this.runOnce().catch((err: unknown) => this.logger?.warn({ err }, 'rating outbox pass failed')),
    );
  }

  /** One pass; a pass already under way is joined, not doubled. */
  runOnce(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async close(): Promise<void> {
    this.#stop?.();
    await this.#running?.catch(() => undefined);
  }

  async #pass(): Promise<void> {
    const windows = await RatingOutboxItem.findAll({ attributes: ['windowKey'], where: { state: 'pending' }, group: ['windowKey'], raw: true });
    await Promise.all(windows.map((w) => this.#drainWindow(w.windowKey)));
  }

  async #drainWindow(windowKey: string): Promise<void> {
    for (;;) {
      const head = await RatingOutboxItem.findOne({ where: { state: 'pending', windowKey }, order: [['seq', 'ASC']] });
      if (!head || head.nextAttemptAt.getTime() > this.clock.now()) return;
      if (!(await this.#send(head))) return;
    }
  }

  async #send(item: RatingOutboxItem): Promise<boolean> {
    const timestamp = String(Math.floor(this.clock.now() / 1000));
    let error: string;
    try {
      const res = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDEMPOTENCY_HEADER]: `${item.ratingId}:${item.changeNo}`,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: `sha256=${outboxSignature(this.settings.secret, timestamp, item.payload)}`,
        },
        body: item.payload,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await res.arrayBuffer();
      if (res.ok) {
        await item.update({ state: 'delivered', deliveredAt: new Date(this.clock.now()), attempts: item.attempts + 1, lastError: null });
        return true;
      }
      error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    const attempts = item.attempts + 1;
    const wait = Math.min(this.settings.backoffMs * 2 ** (attempts - 1), this.settings.maxBackoffMs);
    await item.update({
      attempts,
      lastError: error.slice(0, 500),
      state: attempts >= this.settings.maxAttempts ? 'dead' : 'pending',
      nextAttemptAt: new Date(this.clock.now() + wait),
    });
    // a dead item lets the rest of its window go
    return attempts >= this.settings.maxAttempts;
  }
}
