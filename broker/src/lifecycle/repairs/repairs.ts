import type { AuditService } from '../../audit/audit.service.js';

export type RepairKind =
  | 'broker-lost'
  | 'connect-timeout'
  | 'terminal-offline'
  | 'grace-or-idle'
  | 'orphan-desktop'
  | 'desktop-lost'
  | 'reset-timeout'
  | 'start-timeout'
  | 'reset-without-action'
  | 'terminal-stale';

export interface Repair {
  kind: RepairKind;
  targetType: 'session' | 'desktop' | 'terminal';
  targetId: string;
  reason: string;
}

export interface ReconcilerSettings {
  /** a session `requested`/`connecting` longer than this is repaired (ms) */
  connectTimeoutMs: number;
  /** an active session's terminal silent longer than this is taken for gone (ms) */
  terminalOfflineMs: number;
  /** a desktop and its session are written in two steps at login: mismatches younger than this are left alone (ms) */
  orphanGraceMs: number;
}

export const DEFAULT_RECONCILER: ReconcilerSettings = { connectTimeoutMs: 120_000, terminalOfflineMs: 90_000, orphanGraceMs: 60_000 };

/** Collects a run's repairs and audits each with its reason as it happens. */
export class RepairLog {
  readonly repairs: Repair[] = [];

  constructor(private readonly audit: AuditService) {}

  async add(repair: Repair, siteId: string | null, details: object = {}): Promise<void> {
    this.repairs.push(repair);
    await this.audit.record(null, {
      action: 'reconciler.repair',
      targetType: repair.targetType,
      targetId: repair.targetId,
      siteId,
      details: { kind: repair.kind, reason: repair.reason, ...details },
    });
  }
}
