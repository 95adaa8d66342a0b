import type { DeskSession, Desktop, Pool } from '../../api/types';

export interface Capacity {
  total: number;
  inUse: number;
  /** could take a clerk right now */
  available: number;
  down: number;
  maintenance: number;
  draining: number;
  active: number;
  disconnected: number;
}

export const emptyCapacity = (): Capacity => ({ total: 0, inUse: 0, available: 0, down: 0, maintenance: 0, draining: 0, active: 0, disconnected: 0 });

/** What a pool can still hand out; mirrors the broker's claim conditions (desktop-claim.ts). */
export function capacityOf(pool: Pool | undefined, desktops: Desktop[], sessions: DeskSession[]): Capacity {
  const c = emptyCapacity();
  for (const d of desktops) {
    c.total += 1;
    if (d.sessionId) c.inUse += 1;
    if (d.health === 'down') c.down += 1;
    if (d.state === 'maintenance') c.maintenance += 1;
    if (d.drain) c.draining += 1;
    if (d.state === 'free' && !d.sessionId && !d.drain && d.health !== 'down' && (!pool || pool.state === 'active')) c.available += 1;
  }
  for (const s of sessions) {
    if (s.state === 'disconnected') c.disconnected += 1;
    else if (s.state !== 'ended') c.active += 1;
  }
  return c;
}

export function addCapacity(a: Capacity, b: Capacity): Capacity {
  const out = emptyCapacity();
  for (const k of Object.keys(out) as (keyof Capacity)[]) out[k] = a[k] + b[k];
  return out;
}

export function groupBy<T>(rows: T[], key: (row: T) => string | null | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null || k === undefined) continue;
    map.set(k, [...(map.get(k) ?? []), r]);
  }
  return map;
}
