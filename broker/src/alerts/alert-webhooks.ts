import { Op, type Transaction } from 'sequelize';
import { every, type Clock, type ClockTimer } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { AlertDelivery } from './alert.model.js';
import { type AlertFacts, type AlertWebhook, webhookBody } from './alert-messages.js';

export interface AlertWebhookTiming {
  /** first retry after this; each further retry waits twice as long, up to `maxBackoffMs` */
  backoffMs: number;
  maxBackoffMs: number;
  maxAttempts: number;
  pollMs: number;
  /** one request's limit */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_TIMING: AlertWebhookTiming = { backoffMs: 10_000, maxBackoffMs: 600_000, maxAttempts: 8, pollMs: 5_000, timeoutMs: 10_000 };

/**
 * Sends alert messages to the webhooks from `alert_deliveries`, never on the caller's path: a
 * raise writes rows and kicks a pass; each row is retried with exponential backoff on the clock
 * until the robot answers 2xx with `errcode` 0 (or none), and is dead after `maxAttempts`.
 * Several broker processes may run it: a row is leased (its next attempt pushed past the
 * request's limit by a conditional update) before it is sent, so one process sends it.
 */
export class AlertWebhookSender {
  #stop: (() => void) | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #kick: ClockTimer | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly timing: AlertWebhookTiming,
    private readonly timeZone: string,
    private readonly logger?: Logger,
  ) {}

  start(): void {
    this.#stop = every(this.clock, this.timing.pollMs, () => this.#runSoon());
  }

  async close(): Promise<void> {
    this.#stop?.();
    if (this.#kick) this.clock.clearTimeout(this.#kick);
    await this.#running?.catch(() => undefined);
  }

  /** Rows for every webhook, in the alert's transaction; sent once it commits (`kick`). */
  async enqueue(hooks: AlertWebhook[], event: 'raised' | 'cleared', alertId: string, facts: AlertFacts, transaction?: Transaction): Promise<void> {
    const now = new Date(this.clock.now());
    for (const hook of hooks) {
      await AlertDelivery.create(
        { alertId, event, url: hook.url, payload: webhookBody(hook, event, facts, this.timeZone), state: 'pending', nextAttemptAt: now },
        { transaction },
      );
    }
  }

  /** A pass on the next turn of the clock: never on the caller's path. */
  kick(): void {
    if (this.#kick) return;
    this.#kick = this.clock.setTimeout(() => {
      this.#kick = null;
      this.#runSoon();
    }, 0);
    this.#kick.unref?.();
  }

  /** One pass now (tests); a pass under way is joined, and one more follows it. */
  runOnce(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#pass();
      } while (this.#again);
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  #runSoon(): void {
    void this.runOnce().catch((err: unknown) => this.logger?.warn({ err }, 'alert webhook pass failed'));
  }

  async #pass(): Promise<void> {
    const now = this.clock.now();
    const due = await AlertDelivery.findAll({
      where: { state: 'pending', nextAttemptAt: { [Op.lte]: new Date(now) } },
      order: [['nextAttemptAt', 'ASC']],
      limit: 50,
    });
    await Promise.all(due.map((d) => this.#send(d)));
  }

  async #send(row: AlertDelivery): Promise<void> {
    const lease = new Date(this.clock.now() + this.timing.timeoutMs * 2);
    const [leased] = await AlertDelivery.update({ nextAttemptAt: lease }, { where: { id: row.id, state: 'pending', nextAttemptAt: row.nextAttemptAt } });
    if (leased === 0) return; // another process has it
    let error: string;
    // the request's limit runs on the injected clock too
    const abort = new AbortController();
    const limit = this.clock.setTimeout(() => abort.abort(new Error(`no answer within ${this.timing.timeoutMs} ms`)), this.timing.timeoutMs);
    limit.unref?.();
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: row.payload,
        signal: abort.signal,
      });
      const text = await res.text();
      error = res.ok ? robotRefusal(text) : `HTTP ${res.status}`;
    } catch (err) {
      error = abort.signal.aborted ? String((abort.signal.reason as Error).message) : (err as Error).message;
    } finally {
      this.clock.clearTimeout(limit);
    }
    const attempts = row.attempts + 1;
    const now = this.clock.now();
    if (!error) {
      await AlertDelivery.update({ state: 'delivered', attempts, deliveredAt: new Date(now), lastError: null }, { where: { id: row.id } });
      return;
    }
    const wait = Math.min(this.timing.backoffMs * 2 ** (attempts - 1), this.timing.maxBackoffMs);
    const dead = attempts >= this.timing.maxAttempts;
    await AlertDelivery.update(
      { attempts, lastError: error.slice(0, 500), state: dead ? 'dead' : 'pending', nextAttemptAt: new Date(now + wait) },
      { where: { id: row.id } },
    );
    if (dead) this.logger?.warn({ deliveryId: row.id, error }, 'alert webhook gave up');
  }
}

/** WeCom and DingTalk answer 200 with `{"errcode":93000,"errmsg":"…"}` when they refuse: '' when accepted. */
function robotRefusal(text: string): string {
  try {
    const body = JSON.parse(text) as { errcode?: unknown; errmsg?: unknown };
    if (typeof body.errcode === 'number' && body.errcode !== 0) return `errcode ${body.errcode}: ${String(body.errmsg ?? '')}`;
  } catch {
    // not JSON: a plain receiver that said 2xx
  }
  return '';
}
