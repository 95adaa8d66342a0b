import { Op } from 'sequelize';
import type { AuditService } from '../../audit/audit.service.js';
import { Desktop } from '../../desktops/desktop.model.js';
import { Gateway, type Health } from '../../gateways/gateway.model.js';
import type { Clock } from '../../lib/clock.js';
import type { LiveEvents } from '../../lib/live-events.js';
import type { Logger } from '../../lib/logger.js';
import { moveDesktop } from '../desktop-states.js';
import { PoolLifecycle } from '../pool-lifecycle.model.js';
import { Pool } from '../../pools/pool.model.js';
import { DesktopSession } from '../../sessions/session.model.js';
import type { ProbeResult, Prober } from './probes.js';
import { Semaphore } from '../../lib/semaphore.js';

export interface HealthSettings {
  /** probes in flight at once, whatever the fleet size */
  concurrency: number;
  /** consecutive failed probes before a target is declared down (one blip is not an outage) */
  failuresToDown: number;
}

export const DEFAULT_HEALTH: HealthSettings = { concurrency: 16, failuresToDown: 2 };

interface Target {
  kind: 'desktop' | 'gateway';
  id: string;
  host: string;
  port: number;
  health: Health;
  /** a town desktop: the site whose connector carries it (pool `settings.viaConnector`) */
  via?: string | null;
}

export interface HealthCycle {
  probed: number;
  changed: Array<{ kind: 'desktop' | 'gateway'; id: string; health: Health }>;
}

/**
 * Probes every gateway (guacd handshake) and the desktops of pools that allow it (RDP port),
 * a bounded number at a time, and records transitions: audited, pushed live. The claim SQL
 * skips desktops that are down and the relay tries healthy gateways first, so an unhealthy
 * target stops being used and comes back by itself at the first good probe.
 */
export class HealthMonitor {
  readonly #failures = new Map<string, number>();
  readonly #settings: HealthSettings;
  #running: Promise<HealthCycle> | null = null;

  constructor(
    private readonly deps: { prober: Prober; audit: AuditService; events: LiveEvents; clock: Clock; logger: Logger; settings?: Partial<HealthSettings> },
  ) {
    this.#settings = { ...DEFAULT_HEALTH, ...deps.settings };
  }

  /** One pass over the fleet; a pass still running is joined, never doubled. */
  runCycle(): Promise<HealthCycle> {
    this.#running ??= this.#cycle().finally(() => (this.#running = null));
    return this.#running;
  }

  /** The pass in progress, if any (shutdown waits for it). */
  runCycleIfRunning(): Promise<HealthCycle | null> {
    return this.#running ?? Promise.resolve(null);
  }

  async #cycle(): Promise<HealthCycle> {
    const targets = await this.targets();
    const limit = new Semaphore(this.#settings.concurrency);
    const changed: HealthCycle['changed'] = [];
    await Promise.all(
      targets.map((t) =>
        limit.run(async () => {
          const result = await (t.kind === 'desktop' ? this.deps.prober.desktop(t.host, t.port, t.via ?? null) : this.deps.prober.gateway(t.host, t.port));
          const next = this.verdict(t, result);
          if (next && (await this.record(t, next, result))) changed.push({ kind: t.kind, id: t.id, health: next });
        }),
      ),
    );
    await this.stamp(targets);
    return { probed: targets.length, changed };
  }

  private async targets(): Promise<Target[]> {
    const gateways = await Gateway.findAll({ attributes: ['id', 'host', 'port', 'health'] });
    const probed = await PoolLifecycle.findAll({ where: { probeDesktops: true }, attributes: ['poolId'] });
    const desktops =
      probed.length === 0
        ? []
        : await Desktop.findAll({
            where: { poolId: { [Op.in]: probed.map((p) => p.poolId) }, state: { [Op.ne]: 'maintenance' } },
            attributes: ['id', 'host', 'port', 'health', 'poolId'],
          });
    // town desktops are probed through their site's connector (docs/TOWNS.md)
    const pools =
      desktops.length === 0 ? [] : await Pool.findAll({ where: { id: { [Op.in]: probed.map((p) => p.poolId) } }, attributes: ['id', 'siteId', 'settings'] });
    const viaOf = new Map(pools.filter((p) => p.settings.viaConnector === true).map((p) => [p.id, p.siteId]));
    return [
      ...gateways.map((g) => ({ kind: 'gateway' as const, id: g.id, host: g.host, port: g.port, health: g.health })),
      ...desktops.map((d) => ({ kind: 'desktop' as const, id: d.id, host: d.host, port: d.port, health: d.health, via: viaOf.get(d.poolId) ?? null })),
    ];
  }

  /**
   * A session whose tunnel reached guacd's first `sync` proves its desktop (RDP answered) and its
   * gateway up, whatever the probes say or whether the pool is probed at all: a desktop in use
   * never stays 未知. Recorded like a probe's verdict (conditional write, audit, live event).
   */
  async provenBySession(sessionId: string): Promise<void> {
    const session = await DesktopSession.findByPk(sessionId, { attributes: ['id', 'state', 'desktopId', 'gatewayId'] });
    if (session?.state !== 'active') return;
    const proof: ProbeResult = { ok: true, detail: `live session ${session.id}`, ms: 0 };
    const [desktop, gateway] = await Promise.all([
      session.desktopId ? Desktop.findByPk(session.desktopId, { attributes: ['id', 'host', 'port', 'health'] }) : null,
      session.gatewayId ? Gateway.findByPk(session.gatewayId, { attributes: ['id', 'host', 'port', 'health'] }) : null,
    ]);
    for (const [kind, row] of [
      ['desktop', desktop],
      ['gateway', gateway],
    ] as const) {
      if (!row || row.health === 'up') continue;
      this.#failures.delete(`${kind}:${row.id}`);
      await this.record({ kind, id: row.id, host: row.host, port: row.port, health: row.health }, 'up', proof);
    }
  }

  /** The new health, or null when nothing changes (down needs `failuresToDown` failures in a row). */
  private verdict(t: Target, result: ProbeResult): Health | null {
    const key = `${t.kind}:${t.id}`;
    if (result.ok) {
      this.#failures.delete(key);
      return t.health === 'up' ? null : 'up';
    }
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    return failures >= this.#settings.failuresToDown && t.health !== 'down' ? 'down' : null;
  }

  /** Conditional write: among several brokers only the one that flips the value audits it. */
  private async record(t: Target, health: Health, result: ProbeResult): Promise<boolean> {
    const now = new Date(this.deps.clock.now());
    const change = { values: { health, lastCheckedAt: now }, where: { where: { id: t.id, health: { [Op.ne]: health } } } };
    const [affected] = t.kind === 'desktop' ? await Desktop.update(change.values, change.where) : await Gateway.update(change.values, change.where);
    if (affected === 0) return false;
    const row = t.kind === 'desktop' ? await Desktop.findByPk(t.id) : await Gateway.findByPk(t.id);
    if (!row) return false;
    await this.deps.audit.record(null, {
      action: `${t.kind}.health`,
      targetType: t.kind,
      targetId: t.id,
      siteId: row.siteId,
      details: { from: t.health, to: health, detail: result.detail || null, probeMs: result.ms, host: t.host, port: t.port },
    });
    if (row instanceof Desktop) {
      this.deps.events.publish('desktop.changed', { id: row.id, state: row.state, health: row.health, poolId: row.poolId, siteId: row.siteId });
      // a desktop the warm-up powered on is ready once its RDP port answers
      if (health === 'up' && row.state === 'starting')
        await moveDesktop(this.deps, row.id, ['starting'], 'free', { reason: null, details: { cause: 'started' } });
    } else {
      this.deps.events.publish('gateway.changed', { id: row.id, health: row.health, siteId: row.siteId });
    }
    this.deps.logger.info({ kind: t.kind, id: t.id, health, detail: result.detail }, 'health changed');
    return true;
  }

  private async stamp(targets: Target[]): Promise<void> {
    const now = new Date(this.deps.clock.now());
    for (const kind of ['desktop', 'gateway'] as const) {
      const ids = targets.filter((t) => t.kind === kind).map((t) => t.id);
      for (let i = 0; i < ids.length; i += 500) {
        const opts = { where: { id: { [Op.in]: ids.slice(i, i + 500) } }, silent: true };
        if (kind === 'desktop') await Desktop.update({ lastCheckedAt: now }, opts);
        else await Gateway.update({ lastCheckedAt: now }, opts);
      }
    }
  }
}
