import { Op, UniqueConstraintError, type Sequelize } from 'sequelize';
import type { AlertSettings } from '@yunzhuo/protocol/api/alerts';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { assertRowAccess } from '../auth/policy.js';
import { afterCommit, writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import { every, type Clock, type ClockTimer } from '../lib/clock.js';
import type { LiveEvent, LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { Site } from '../sites/site.model.js';
import { Alert } from './alert.model.js';
import { type Condition, observeConditions, openKeyOf } from './alert-conditions.js';
import type { AlertSettingsStore } from './alert-settings.js';
import type { AlertWebhookSender } from './alert-webhooks.js';

export interface AlertEngineDeps {
  sequelize: Sequelize;
  clock: Clock;
  events: LiveEvents;
  audit: AuditService;
  settings: AlertSettingsStore;
  webhooks: AlertWebhookSender;
  logger?: Logger;
  /** how often the conditions are read (ms); a relevant live event also triggers a read, 1 s later */
  evaluateMs: number;
}

/** events after which the conditions are read again at once (besides the periodic read) */
const WATCHED = new Set<LiveEvent['type']>(['gateway.changed', 'desktop.changed', 'terminal.changed', 'login.refused']);
const NUDGE_MS = 1000;

/**
 * Raises and clears alerts with hysteresis: a condition must hold for `raiseAfterSeconds` (every
 * read in between seeing it) before its alert is raised, and an open alert clears only once its
 * condition (at the lower `hold` level) has been gone for `clearAfterSeconds`. One open alert per
 * subject (`alerts.open_key` is unique), whichever broker process raised it; the process whose
 * insert or conditional clear won writes the webhook rows, so each message goes out once.
 */
export class AlertEngine {
  /** open key → when the condition was first seen (not yet raised) */
  readonly #pending = new Map<string, number>();
  /** open key → when the open alert's condition was first seen gone */
  readonly #clearing = new Map<string, number>();
  #stop: (() => void) | null = null;
  #unsubscribe: (() => void) | null = null;
  #nudge: ClockTimer | null = null;
  #running: Promise<void> | null = null;

  constructor(private readonly deps: AlertEngineDeps) {}

  start(): void {
    this.#stop = every(this.deps.clock, this.deps.evaluateMs, () => this.#runSoon());
    this.#unsubscribe = this.deps.events.subscribe((event) => {
      if (!WATCHED.has(event.type)) return;
      if (event.type === 'login.refused' && event.data.code !== 'POOL_EXHAUSTED') return;
      this.#nudgeSoon();
    });
  }

  async close(): Promise<void> {
    this.#stop?.();
    this.#unsubscribe?.();
    if (this.#nudge) this.deps.clock.clearTimeout(this.#nudge);
    await this.#running?.catch(() => undefined);
  }

  /** One read of the conditions; a read under way is joined. */
  evaluate(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async acknowledge(actor: Actor, id: string): Promise<Alert> {
    const alert = await writeTransaction(this.deps.sequelize, async (transaction) => {
      const row = await Alert.findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
      if (!row) throw new AppError('NOT_FOUND', { resource: 'alert' });
      assertRowAccess(actor, 'write', row.siteId, 'alert');
      if (row.acknowledgedAt) return row; // acknowledged once; a second click changes nothing
      const now = new Date(this.deps.clock.now());
      await row.update({ acknowledgedAt: now, acknowledgedBy: actor.username }, { transaction });
      await this.deps.audit.record(
        actor,
        {
          action: 'alert.acknowledge',
          targetType: 'alert',
          targetId: row.id,
          siteId: row.siteId,
          before: { acknowledgedAt: null },
          after: { acknowledgedAt: now.toISOString() },
          details: { kind: row.kind, subjectType: row.subjectType, subjectId: row.subjectId, subjectName: row.subjectName, state: row.state },
        },
        transaction,
      );
      afterCommit(transaction, () => this.#publish(row));
      return row;
    });
    return alert;
  }

  #runSoon(): void {
    void this.evaluate().catch((err: unknown) => this.deps.logger?.warn({ err }, 'alert evaluation failed'));
  }

  #nudgeSoon(): void {
    if (this.#nudge) return;
    this.#nudge = this.deps.clock.setTimeout(() => {
      this.#nudge = null;
      this.#runSoon();
    }, NUDGE_MS);
    this.#nudge.unref?.();
  }

  async #pass(): Promise<void> {
    const { settings } = await this.deps.settings.get();
    const conditions = await observeConditions(this.deps.sequelize, settings);
    const open = await Alert.findAll({ where: { state: 'open', openKey: { [Op.ne]: null } } });
    const now = this.deps.clock.now();
    const seen = new Map(conditions.map((c) => [openKeyOf(c), c]));
    const openKeys = new Set(open.map((a) => a.openKey!));

    for (const key of this.#pending.keys()) {
      // gone (or only at the hold level) before it was raised: no alert, the clock starts again
      if (seen.get(key)?.level !== 'raise' || openKeys.has(key)) this.#pending.delete(key);
    }
    for (const [key, c] of seen) {
      if (c.level !== 'raise' || openKeys.has(key)) continue;
      const since = this.#pending.get(key) ?? now;
      this.#pending.set(key, since);
      if (now - since >= settings.raiseAfterSeconds * 1000) {
        this.#pending.delete(key);
        await this.#raise(c, settings, now);
      }
    }

    for (const alert of open) {
      const key = alert.openKey!;
      const c = seen.get(key);
      if (c) {
        this.#clearing.delete(key);
        const facts = JSON.stringify(c.facts);
        if (facts !== alert.facts) await alert.update({ facts, subjectName: c.subjectName });
        continue;
      }
      const since = this.#clearing.get(key) ?? now;
      this.#clearing.set(key, since);
      if (now - since >= settings.clearAfterSeconds * 1000) {
        this.#clearing.delete(key);
        await this.#clear(alert, settings, now);
      }
    }
    for (const key of this.#clearing.keys()) if (!openKeys.has(key)) this.#clearing.delete(key);
  }

  async #raise(c: Condition, settings: AlertSettings, now: number): Promise<void> {
    const at = new Date(now);
    const siteName = await this.#siteName(c.siteId);
    let alert: Alert;
    try {
      alert = await writeTransaction(this.deps.sequelize, async (transaction) => {
        const row = await Alert.create(
          {
            kind: c.kind,
            state: 'open',
            subjectType: c.subjectType,
            subjectId: c.subjectId,
            subjectName: c.subjectName,
            openKey: openKeyOf(c),
            siteId: c.siteId,
            facts: JSON.stringify(c.facts),
            raisedAt: at,
          },
          { transaction },
        );
        await this.deps.webhooks.enqueue(
          settings.webhooks,
          'raised',
          row.id,
          { kind: c.kind, subjectName: c.subjectName, siteName, facts: c.facts, at },
          transaction,
        );
        return row;
      });
    } catch (err) {
      if (err instanceof UniqueConstraintError) return; // another broker process raised it first
      throw err;
    }
    this.deps.logger?.warn({ kind: c.kind, subject: c.subjectName }, 'alert raised');
    this.#publish(alert);
    this.deps.webhooks.kick();
  }

  async #clear(alert: Alert, settings: AlertSettings, now: number): Promise<void> {
    const at = new Date(now);
    const siteName = await this.#siteName(alert.siteId);
    const cleared = await writeTransaction(this.deps.sequelize, async (transaction) => {
      const [affected] = await Alert.update({ state: 'cleared', openKey: null, clearedAt: at }, { where: { id: alert.id, state: 'open' }, transaction });
      if (affected === 0) return false; // another process cleared it
      const facts = JSON.parse(alert.facts) as Record<string, unknown>;
      await this.deps.webhooks.enqueue(
        settings.webhooks,
        'cleared',
        alert.id,
        { kind: alert.kind, subjectName: alert.subjectName, siteName, facts, at },
        transaction,
      );
      return true;
    });
    if (!cleared) return;
    await alert.reload();
    this.#publish(alert);
    this.deps.webhooks.kick();
  }

  async #siteName(siteId: string | null): Promise<string | null> {
    return siteId ? ((await Site.findByPk(siteId, { attributes: ['name'] }))?.name ?? null) : null;
  }

  #publish(alert: Alert): void {
    this.deps.events.publish('alert.changed', {
      id: alert.id,
      kind: alert.kind,
      state: alert.state,
      siteId: alert.siteId,
      acknowledged: alert.acknowledgedAt !== null && alert.acknowledgedAt !== undefined,
    });
  }
}
