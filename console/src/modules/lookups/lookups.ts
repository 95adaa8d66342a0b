import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { accounts, departments, gateways, pools, sites, windows } from '../../api/resources';
import type { Account, Department, Gateway, HallWindow, Pool, Site } from '../../api/types';

/** Reference data rarely changes; live `resource.changed` events invalidate it when it does. */
const STALE_MS = 60_000;

function byId<T extends { id: string }>(rows: T[] | undefined): Map<string, T> {
  return new Map((rows ?? []).map((r) => [r.id, r]));
}

export function useSites() {
  return useQuery({ ...sites.queries.all({}), staleTime: STALE_MS });
}
export function useDepartments() {
  return useQuery({ ...departments.queries.all({}), staleTime: STALE_MS });
}
export function usePools() {
  return useQuery({ ...pools.queries.all({}), staleTime: STALE_MS });
}
export function useGateways() {
  return useQuery({ ...gateways.queries.all({}), staleTime: STALE_MS });
}
export function useAccounts(enabled = true) {
  return useQuery({ ...accounts.queries.all({}), staleTime: STALE_MS, enabled });
}
export function useWindows(siteId?: string) {
  return useQuery({ ...windows.queries.all(siteId ? { siteId } : {}), staleTime: STALE_MS });
}

export interface Lookups {
  site: Map<string, Site>;
  department: Map<string, Department>;
  pool: Map<string, Pool>;
  gateway: Map<string, Gateway>;
  account: Map<string, Account>;
  window: Map<string, HallWindow>;
  siteName(id: string | null | undefined): string;
  departmentName(id: string | null | undefined): string;
  poolName(id: string | null | undefined): string;
  gatewayName(id: string | null | undefined): string;
  accountName(id: string | null | undefined): string;
  windowCode(id: string | null | undefined): string;
}

/** Names for ids, for tables that show sessions, desktops, audit events… */
export function useLookups(opts: { accounts?: boolean; windows?: boolean } = {}): Lookups {
  const s = useSites().data;
  const d = useDepartments().data;
  const p = usePools().data;
  const g = useGateways().data;
  const a = useAccounts(opts.accounts !== false).data;
  const w = useQuery({ ...windows.queries.all({}), staleTime: STALE_MS, enabled: opts.windows !== false }).data;
  return useMemo(() => {
    const site = byId(s);
    const department = byId(d);
    const pool = byId(p);
    const gateway = byId(g);
    const account = byId(a);
    const window = byId(w);
    /**
     * The name; while its list is still loading a placeholder (never a raw id that turns into a
     * name a moment later); a short id only for a row the list does not hold (out of scope, deleted).
     */
    const name = <T>(rows: T[] | undefined, map: Map<string, T>, id: string | null | undefined, pick: (row: T) => string) => {
      if (!id) return '—';
      const row = map.get(id);
      if (row) return pick(row);
      return rows === undefined ? '…' : id.slice(0, 8);
    };
    return {
      site,
      department,
      pool,
      gateway,
      account,
      window,
      siteName: (id) => name(s, site, id, (row) => row.name),
      departmentName: (id) => name(d, department, id, (row) => row.name),
      poolName: (id) => name(p, pool, id, (row) => row.name),
      gatewayName: (id) => name(g, gateway, id, (row) => row.name),
      accountName: (id) => name(a, account, id, (row) => `${row.displayName}（${row.username}）`),
      windowCode: (id) => name(w, window, id, (row) => row.code),
    };
  }, [s, d, p, g, a, w]);
}
