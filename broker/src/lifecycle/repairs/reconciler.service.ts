import type { Sequelize } from 'sequelize';
import type { AuditService } from '../../audit/audit.service.js';
import type { Clock } from '../../lib/clock.js';
import type { LiveEvents } from '../../lib/live-events.js';
import type { SessionLifecycle } from '../../sessions/session-lifecycle.service.js';
import type { BrokerInstances } from '../instances/broker-instances.js';
import type { DesktopActions } from '../actions/desktop-actions.service.js';
import { repairOrphanDesktops, repairStuckDesktops } from './desktop-repairs.js';
import { withLeaderLock } from './leader-lock.js';
import { DEFAULT_RECONCILER, RepairLog, type ReconcilerSettings, type Repair } from './repairs.js';
import { repairBrokerLost, repairConnectTimeouts, repairDesktopLost, repairTerminalsOffline } from './session-repairs.js';
import { repairStaleTerminals } from './terminal-repairs.js';

export interface ReconcileReport {
  /** false when another broker process holds the reconciler lock */
  ran: boolean;
  repairs: Repair[];
  /** sessions the engine's sweep ended (grace or idle limit) */
  swept: number;
}

/**
 * The one periodic job that brings every stale state back to a clean one: sessions stranded by
 * a dead broker, stuck connecting, on a vanished terminal, past grace or idle; terminals left
 * online by a dead broker; desktops held for no session, stuck resetting or starting. Every repair is audited (`reconciler.repair`) with
 * its reason. Repairs are conditional UPDATEs, so a run racing a login or another run is safe.
 */
export class Reconciler {
  readonly #settings: ReconcilerSettings;

  constructor(
    private readonly deps: {
      sequelize: Sequelize;
      lifecycle: SessionLifecycle;
      actions: DesktopActions;
      instances: BrokerInstances;
      audit: AuditService;
      events: LiveEvents;
      clock: Clock;
      /** whether this process's presence service tracks a terminal (it expires those itself) */
      terminalTrackedHere?: (terminalId: string) => boolean;
      settings?: Partial<ReconcilerSettings>;
    },
  ) {
    this.#settings = { ...DEFAULT_RECONCILER, ...deps.settings };
  }

  /** One run, if this process gets the lock; `extra` runs under the same lock (the warm-up). */
  async runOnce(extra?: () => Promise<unknown>): Promise<ReconcileReport> {
    const report: ReconcileReport = { ran: false, repairs: [], swept: 0 };
    report.ran = await withLeaderLock(this.deps.sequelize, async () => {
      const result = await this.repairAll();
      report.repairs = result.repairs;
      report.swept = result.swept;
      await extra?.();
    });
    return report;
  }

  async repairAll(): Promise<{ repairs: Repair[]; swept: number }> {
    const log = new RepairLog(this.deps.audit);
    const sessionDeps = { ...this.deps, settings: this.#settings };
    await repairBrokerLost(sessionDeps, log);
    await repairConnectTimeouts(sessionDeps, log);
    await repairStaleTerminals({ ...this.deps, trackedHere: (id) => this.deps.terminalTrackedHere?.(id) ?? false }, log);
    await repairTerminalsOffline(sessionDeps, log);
    const swept = await this.deps.lifecycle.sweep();
    await repairOrphanDesktops(sessionDeps, log);
    await repairDesktopLost(sessionDeps, log);
    await repairStuckDesktops(sessionDeps, log);
    await this.deps.instances.prune();
    return { repairs: log.repairs, swept };
  }
}
