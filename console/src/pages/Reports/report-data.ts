import type { Rating } from '../../api/ratings';
import type { AuditEvent, DeskSession, Desktop } from '../../api/types';

/** Sessions requested in each local hour of the day (the 8:30 peak shows at hour 8). */
export function loginsPerHour(sessions: DeskSession[]): { hour: number; logins: number }[] {
  const counts = new Array<number>(24).fill(0);
  for (const s of sessions) counts[new Date(s.requestedAt).getHours()]! += 1;
  return counts.map((logins, hour) => ({ hour, logins }));
}

export const LOGIN_TIME_BUCKETS = [
  { max: 1, label: '<1s' },
  { max: 2, label: '1–2s' },
  { max: 5, label: '2–5s' },
  { max: 10, label: '5–10s' },
  { max: 30, label: '10–30s' },
  { max: Infinity, label: '>30s' },
];

/** Seconds from the clerk's login to a live desktop (requested → active). */
export function loginTimeDistribution(sessions: DeskSession[]): { bucket: string; sessions: number }[] {
  const counts = LOGIN_TIME_BUCKETS.map(() => 0);
  for (const s of sessions) {
    if (!s.activeAt) continue;
    const seconds = (new Date(s.activeAt).getTime() - new Date(s.requestedAt).getTime()) / 1000;
    const i = LOGIN_TIME_BUCKETS.findIndex((b) => seconds < b.max);
    counts[i === -1 ? counts.length - 1 : i]! += 1;
  }
  return LOGIN_TIME_BUCKETS.map((b, i) => ({ bucket: b.label, sessions: counts[i]! }));
}

/** The most sessions that held a desktop at the same time, per department. */
export function peakConcurrency(sessions: DeskSession[], now = Date.now()): Map<string, number> {
  const edges = new Map<string, { at: number; delta: number }[]>();
  for (const s of sessions) {
    if (!s.departmentId) continue;
    const start = new Date(s.requestedAt).getTime();
    // only an ended session has an end; a live one holds its desktop until now
    const end = s.state === 'ended' && s.endedAt ? new Date(s.endedAt).getTime() : now;
    const list = edges.get(s.departmentId) ?? [];
    list.push({ at: start, delta: 1 }, { at: end, delta: -1 });
    edges.set(s.departmentId, list);
  }
  const peaks = new Map<string, number>();
  for (const [dept, list] of edges) {
    list.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let cur = 0;
    let peak = 0;
    for (const e of list) {
      cur += e.delta;
      peak = Math.max(peak, cur);
    }
    peaks.set(dept, peak);
  }
  return peaks;
}

export function utilisation(sessions: DeskSession[], desktops: Desktop[], poolDept: Map<string, string>, deptName: (id: string) => string) {
  const peaks = peakConcurrency(sessions);
  const totals = new Map<string, { total: number; inUse: number }>();
  for (const d of desktops) {
    const dept = poolDept.get(d.poolId);
    if (!dept) continue;
    const cur = totals.get(dept) ?? { total: 0, inUse: 0 };
    cur.total += 1;
    if (d.sessionId) cur.inUse += 1;
    totals.set(dept, cur);
  }
  const depts = new Set([...totals.keys(), ...peaks.keys()]);
  return [...depts]
    .map((id) => {
      const cap = totals.get(id) ?? { total: 0, inUse: 0 };
      const peak = peaks.get(id) ?? 0;
      return { id, department: deptName(id), desktops: cap.total, inUse: cap.inUse, peak, peakRate: cap.total ? peak / cap.total : 0 };
    })
    .sort((a, b) => b.peakRate - a.peakRate);
}

export function refusalsByReason(events: AuditEvent[]): { code: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const e of events) {
    const code = typeof e.details?.code === 'string' ? e.details.code : 'UNKNOWN';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count);
}

export interface RatingRow {
  key: string;
  name: string;
  /** counts per level: [5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意] */
  levels: [number, number, number, number, number];
  total: number;
  /** 差评: levels 2 and 1 */
  bad: number;
  /** 满意率: not 差评 / all (the rate the 好差评 reports quote, e.g. 99.5%) */
  satisfaction: number;
  /** 差评率: 差评 / all */
  badRate: number;
}

/** Ratings grouped by window / clerk / department; the clerk and department come from the session when the rating lacks them. */
export function ratingsBy(ratings: Rating[], keyOf: (r: Rating) => string | null | undefined, nameOf: (key: string) => string): RatingRow[] {
  const rows = new Map<string, RatingRow['levels']>();
  for (const r of ratings) {
    const key = keyOf(r);
    if (!key || r.level < 1 || r.level > 5) continue;
    const row = rows.get(key) ?? [0, 0, 0, 0, 0];
    row[5 - r.level] = (row[5 - r.level] ?? 0) + 1;
    rows.set(key, row);
  }
  return [...rows]
    .map(([key, levels]) => {
      const total = levels.reduce((a, b) => a + b, 0);
      const bad = levels[3] + levels[4];
      return { key, name: nameOf(key), levels, total, bad, satisfaction: total ? (total - bad) / total : 0, badRate: total ? bad / total : 0 };
    })
    .sort((a, b) => a.satisfaction - b.satisfaction || b.total - a.total);
}
