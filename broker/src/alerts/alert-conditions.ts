import { QueryTypes, type Sequelize } from 'sequelize';
import type { AlertKind, AlertSettings } from '@yunzhuo/protocol/api/alerts';

/**
 * A condition seen now. `raise`: bad enough to raise an alert (once it has held for the raise
 * delay); `hold`: not bad enough to raise one, but an open alert stays open (value hysteresis:
 * 5 of 5 terminals offline raises, it clears only below 3).
 */
export interface Condition {
  kind: AlertKind;
  level: 'raise' | 'hold';
  subjectType: 'gateway' | 'pool' | 'site' | 'desktop';
  subjectId: string;
  subjectName: string;
  siteId: string | null;
  facts: Record<string, string | number | null>;
}

export function openKeyOf(c: { kind: AlertKind; subjectId: string }): string {
  return `${c.kind}:${c.subjectId}`;
}

/** The level below which an open count-based alert clears: half the raise level, at least 1. */
export function holdLevel(raiseAt: number): number {
  return Math.max(1, Math.ceil(raiseAt / 2));
}

type Cell = string | number | null;
type Row = Record<string, Cell>;

const count = (v: Cell | undefined) => Number(v ?? 0);
const cell = (v: Cell | undefined): Cell => v ?? null;

/** Everything wrong right now, read from the database every broker process shares. */
export async function observeConditions(sequelize: Sequelize, settings: AlertSettings): Promise<Condition[]> {
  const q = (sql: string, replacements: Record<string, unknown> = {}) => sequelize.query<Row>(sql, { type: QueryTypes.SELECT, replacements });
  const [gateways, desktops, pools, sites] = await Promise.all([
    q(`SELECT id, name, host, port, site_id FROM gateways WHERE health = 'down'`),
    // a desktop an admin took out (maintenance) is not an alarm
    q(`SELECT id, name, pool_id, site_id, state, health, state_reason FROM desktops
       WHERE (health = 'down' OR state = 'error') AND state <> 'maintenance'`),
    q(
      `SELECT p.id, p.name, p.site_id, p.max_sessions,
         (SELECT COUNT(*) FROM desktops d WHERE d.pool_id = p.id) AS total,
         (SELECT COUNT(*) FROM desktops d WHERE d.pool_id = p.id AND d.session_id IS NOT NULL) AS busy,
         (SELECT COUNT(*) FROM desktops d WHERE d.pool_id = p.id AND d.state = 'free' AND d.session_id IS NULL
            AND d.drain = :no AND d.health <> 'down') AS free
       FROM pools p WHERE p.state = 'active'`,
      { no: false },
    ),
    q(
      `SELECT s.id, s.name, COUNT(t.id) AS offline,
         (SELECT COUNT(*) FROM terminals a WHERE a.site_id = s.id AND a.state = 'active') AS in_service
       FROM sites s JOIN terminals t ON t.site_id = s.id AND t.state = 'active' AND t.online = :no
       GROUP BY s.id, s.name`,
      { no: false },
    ),
  ]);
  const out: Condition[] = [];
  for (const g of gateways) {
    out.push({
      kind: 'gateway-down',
      level: 'raise',
      subjectType: 'gateway',
      subjectId: String(g.id),
      subjectName: String(g.name),
      siteId: (g.site_id as string | null) ?? null,
      facts: { host: cell(g.host), port: count(g.port) },
    });
  }
  for (const d of desktops) {
    out.push({
      kind: 'desktop-unhealthy',
      level: 'raise',
      subjectType: 'desktop',
      subjectId: String(d.id),
      subjectName: String(d.name),
      siteId: (d.site_id as string | null) ?? null,
      facts: { poolId: cell(d.pool_id), state: cell(d.state), health: cell(d.health), reason: cell(d.state_reason) },
    });
  }
  for (const p of pools) {
    const total = count(p.total);
    const free = count(p.free);
    const busy = count(p.busy);
    const cap = cell(p.max_sessions) === null ? null : count(p.max_sessions);
    if (total === 0) continue;
    const capped = cap !== null && busy >= cap;
    // clears once a tenth of the pool (at least one desktop) is free again
    const holdBelow = Math.max(1, Math.ceil(total / 10));
    const level = free === 0 || capped ? 'raise' : free < holdBelow ? 'hold' : null;
    if (!level) continue;
    out.push({
      kind: 'pool-exhausted',
      level,
      subjectType: 'pool',
      subjectId: String(p.id),
      subjectName: String(p.name),
      siteId: (p.site_id as string | null) ?? null,
      facts: { free, busy, total, maxSessions: cap },
    });
  }
  const thresholds = new Map(settings.siteThresholds.map((t) => [t.siteId, t.terminalsOffline]));
  for (const s of sites) {
    const threshold = thresholds.get(String(s.id)) ?? settings.terminalsOfflineThreshold;
    const offline = count(s.offline);
    const level = offline >= threshold ? 'raise' : offline >= holdLevel(threshold) ? 'hold' : null;
    if (!level) continue;
    out.push({
      kind: 'terminals-offline',
      level,
      subjectType: 'site',
      subjectId: String(s.id),
      subjectName: String(s.name),
      siteId: String(s.id),
      facts: { offline, inService: count(s.in_service), threshold },
    });
  }
  return out;
}
