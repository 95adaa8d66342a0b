import type { Sequelize } from 'sequelize';
import type { AuditService } from '../audit/audit.service.js';
import { Desktop } from '../desktops/desktop.model.js';
import { every, type Clock, type ClockTimer } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { SessionLifecycle } from '../sessions/session-lifecycle.service.js';
import type { TunnelBroker } from '../tunnel/tunnel-target.js';
import { BrokerInstances } from './instances/broker-instances.js';
import { DesktopActions } from './actions/desktop-actions.service.js';
import { ForcedResets } from './actions/forced-resets.service.js';
import { HealthMonitor, type HealthSettings } from './health/health-monitor.js';
import { stampingTunnelBroker } from './instances/instance-stamp.js';
import { KnownHosts } from './ssh/known-hosts.js';
import { ActionRun } from './actions/pool-action.model.js';
import { tcpProber, type Prober } from './health/probes.js';
import { Reconciler, type ReconcileReport } from './repairs/reconciler.service.js';
import type { ReconcilerSettings } from './repairs/repairs.js';
import { nodeSshExecutor, type SshExecutor } from './ssh/ssh-executor.js';
import { WarmupService } from './warmup/warmup.service.js';

export interface DesktopLifecycleDeps {
  sequelize: Sequelize;
  secrets: SecretBox;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  /** the reconciler period (s); health probes run at the same pace, heartbeats faster */
  periodSeconds: number;
  executor?: SshExecutor;
  prober?: Prober;
  health?: Partial<HealthSettings>;
  reconciler?: Partial<ReconcilerSettings>;
}

/** heartbeat: a third of the period, between 0.5 s and 10 s; three missed beats = dead */
export function heartbeatMsFor(periodMs: number): number {
  return Math.min(10_000, Math.max(500, Math.round(periodMs / 3)));
}

/**
 * Desktop lifecycle: SSH actions (also the engine's DesktopHooks), health probes, warm-up, the
 * reconciler and this process's instance heartbeat, with the timers that drive them. Built
 * before the session engine (which takes `actions` as its hooks), attached to it once it
 * exists, started last. Its routes are mounted by the composition root (`server.ts`).
 */
export class DesktopLifecycle {
  readonly knownHosts: KnownHosts;
  readonly actions: DesktopActions;
  readonly instances: BrokerInstances;
  readonly health: HealthMonitor;
  readonly warmup: WarmupService;
  #reconciler: Reconciler | null = null;
  #resets: ForcedResets | null = null;
  /** stops the periodic jobs (broker heartbeat, reconciler) */
  readonly #timers: Array<() => void> = [];
  #healthTimer: ClockTimer | null = null;
  #reconciling: Promise<ReconcileReport> | null = null;
  #unsubscribe: (() => void) | null = null;
  #closed = false;
  readonly #periodMs: number;
  /** set once the agent fleet exists: whether this process's presence service tracks a terminal */
  terminalTrackedHere: (terminalId: string) => boolean = () => false;

  constructor(private readonly deps: DesktopLifecycleDeps) {
    const { audit, events, clock, logger } = deps;
    this.#periodMs = deps.periodSeconds * 1000;
    this.knownHosts = new KnownHosts(audit, clock);
    this.actions = new DesktopActions({
      secrets: deps.secrets,
      executor: deps.executor ?? nodeSshExecutor,
      knownHosts: this.knownHosts,
      audit,
      events,
      clock,
      logger,
    });
    this.instances = new BrokerInstances(clock, heartbeatMsFor(this.#periodMs));
    this.health = new HealthMonitor({ prober: deps.prober ?? tcpProber(), audit, events, clock, logger, ...(deps.health ? { settings: deps.health } : {}) });
    this.warmup = new WarmupService({ actions: this.actions, audit, events, clock });
  }

  get reconciler(): Reconciler {
    if (!this.#reconciler) throw new Error('DesktopLifecycle.attach() was not called');
    return this.#reconciler;
  }

  get resets(): ForcedResets {
    if (!this.#resets) throw new Error('DesktopLifecycle.attach() was not called');
    return this.#resets;
  }

  /** The relay's view of the engine, stamping sessions with this process's instance id; a session going active proves its desktop up. */
  tunnelBroker(engine: TunnelBroker): TunnelBroker {
    const stamped = stampingTunnelBroker(engine, this.instances.id);
    return {
      ...stamped,
      markActive: async (sessionId: string, guacConnectionId: string) => {
        await stamped.markActive(sessionId, guacConnectionId);
        await this.health.provenBySession(sessionId).catch((err: unknown) => this.deps.logger.warn({ err, sessionId }, 'health proof failed'));
      },
    };
  }

  /** Connects the session engine (the reconciler and forced resets act through it). */
  attach(lifecycle: SessionLifecycle): void {
    const { sequelize, audit, events, clock } = this.deps;
    this.#reconciler = new Reconciler({
      sequelize,
      lifecycle,
      actions: this.actions,
      instances: this.instances,
      audit,
      events,
      clock,
      terminalTrackedHere: (id) => this.terminalTrackedHere(id),
      ...(this.deps.reconciler ? { settings: this.deps.reconciler } : {}),
    });
    this.#resets = new ForcedResets({ sequelize, lifecycle, actions: this.actions, audit, events, clock });
  }

  /** Registers this process, repairs what a previous crash left (before serving), starts the timers. */
  async start(): Promise<void> {
    await this.instances.register();
    await this.reconcile();
    const repeat = (ms: number, job: () => Promise<unknown>, what: string) => {
      this.#timers.push(every(this.deps.clock, ms, () => void job().catch((err: unknown) => this.deps.logger.error({ err }, `${what} failed`))));
    };
    repeat(this.instances.heartbeatMs, () => this.instances.heartbeat(), 'broker heartbeat');
    repeat(this.#periodMs, () => this.reconcile(), 'reconciler run');
    this.#scheduleHealth();
    // a desktop an admin put into maintenance gets the pool's on-maintenance action
    this.#unsubscribe = this.deps.events.subscribe(
      (event) => {
        if (event.type !== 'resource.changed') return;
        const { data } = event;
        if (data.resource === 'desktops' && data.action === 'update')
          void this.#maintenanceEntered(data.id).catch((err: unknown) => this.deps.logger.error({ err }, 'on-maintenance check failed'));
      },
      { localOnly: true },
    );
  }

  /** One reconciler run (plus the warm-up, under the same lock); concurrent calls share a run. */
  reconcile(): Promise<ReconcileReport> {
    this.#reconciling ??= this.reconciler.runOnce(() => this.warmup.tick()).finally(() => (this.#reconciling = null));
    return this.#reconciling;
  }

  #scheduleHealth(): void {
    if (this.#closed) return;
    // ±20 % jitter: brokers started together do not probe the fleet in lockstep
    const delay = Math.round(this.#periodMs * (0.8 + Math.random() * 0.4));
    this.#healthTimer = this.deps.clock.setTimeout(() => {
      this.health
        .runCycle()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'health cycle failed'))
        .finally(() => this.#scheduleHealth());
    }, delay);
    this.#healthTimer.unref?.();
  }

  async #maintenanceEntered(desktopId: string): Promise<void> {
    const desktop = await Desktop.findByPk(desktopId);
    if (desktop?.state !== 'maintenance' || !(await this.actions.actionFor(desktop.poolId, 'on-maintenance'))) return;
    const since = desktop.stateChangedAt ?? new Date(0);
    const latest = await ActionRun.findOne({ where: { desktopId, point: 'on-maintenance' }, order: [['startedAt', 'DESC']] });
    if (!latest || latest.startedAt.getTime() < since.getTime()) this.actions.maintenance(desktopId, null);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    for (const stop of this.#timers) stop();
    if (this.#healthTimer) this.deps.clock.clearTimeout(this.#healthTimer);
    await Promise.allSettled([this.#reconciling, this.health.runCycleIfRunning(), this.actions.settled()]);
    await this.instances.stopped().catch(() => undefined);
  }
}
