// Loads the demo county through the admin API, as an IT admin would with the console: sites,
// departments, windows on a hall floor, a gateway, pools and desktops per department, one
// terminal per window, clerks, a site-admin per town and an auditor.
import { randomBytes } from 'node:crypto';
import { CLERKS_PER_WINDOW, clerkName, COUNTY, countySeats, DEPARTMENTS, TOWN_DEPARTMENTS, TOWNS, townSeats, type Seat } from './county.js';
import { eachLimited, type DemoApi } from './demo-api.js';

export const CLERK_PASSWORD = 'Demo-clerk-2026';
export const TOWN_ADMIN_PASSWORD = 'Demo-town-2026';

interface Created {
  id: string;
}

export interface DemoTerminal {
  id: string;
  credential: string;
  siteId: string;
  windowId: string;
  windowCode: string;
  departmentId: string;
}

export interface DemoClerk {
  username: string;
  displayName: string;
  siteId: string;
  departmentId: string;
}

export interface SeededCounty {
  countyId: string;
  siteIds: string[];
  terminals: DemoTerminal[];
  /** the clerks to create (createAccounts) */
  clerks: DemoClerk[];
  desktopIds: string[];
}

export interface SeedEndpoints {
  gatewayHost: string;
  gatewayPort: number;
  /** where every demo desktop's RDP port answers (the health probes reach it) */
  desktopHost: string;
  desktopPort: number;
}

export async function seedCounty(api: DemoApi, at: SeedEndpoints, progress: (line: string) => void): Promise<SeededCounty> {
  const county = await api.post<Created>('/api/v1/sites', { code: COUNTY.code, name: COUNTY.name, kind: 'county', address: COUNTY.address });
  const towns = await eachLimited(TOWNS, 4, (t) => api.post<Created>('/api/v1/sites', { parentId: county.id, code: t.code, name: t.name, kind: 'town' }));
  const departments = new Map<string, string>();
  await eachLimited(DEPARTMENTS, 4, async (d) => {
    departments.set(d.code, (await api.post<Created>('/api/v1/departments', { code: d.code, name: d.name, siteId: county.id })).id);
  });
  const deptId = (code: string): string => departments.get(code) ?? '';
  progress(`站点 ${1 + towns.length} 个、部门 ${departments.size} 个`);

  const halls: Array<{ siteId: string; seats: Seat[] }> = [
    { siteId: county.id, seats: countySeats() },
    ...towns.map((t) => ({ siteId: t.id, seats: townSeats() })),
  ];
  const windows = (
    await Promise.all(
      halls.map(async (hall) =>
        eachLimited(hall.seats, 4, async (s) => {
          const w = await api.post<Created>('/api/v1/windows', {
            siteId: hall.siteId,
            code: s.code,
            departmentId: deptId(s.departmentCode),
            area: s.area,
            posX: s.posX,
            posY: s.posY,
          });
          return { ...s, id: w.id, siteId: hall.siteId };
        }),
      ),
    )
  ).flat();
  progress(`窗口 ${windows.length} 个（县中心 ${halls[0]?.seats.length ?? 0} 个）`);

  const gateway = await api.post<Created>('/api/v1/gateways', { name: '县数据中心 guacd（演示）', siteId: null, host: at.gatewayHost, port: at.gatewayPort });
  const poolsWanted = [
    ...DEPARTMENTS.map((d) => ({ siteId: county.id, department: d.code, name: `${d.name}桌面池`, desktops: Math.ceil(d.windows * CLERKS_PER_WINDOW) + 2 })),
    ...towns.flatMap((t, i) =>
      TOWN_DEPARTMENTS.map((code) => ({
        siteId: t.id,
        department: code,
        name: `${TOWNS[i]?.name.replace('便民服务中心', '') ?? ''}${DEPARTMENTS.find((d) => d.code === code)?.name ?? code}桌面池`,
        desktops: 2,
      })),
    ),
  ];
  const desktopIds = (
    await eachLimited(poolsWanted, 4, async (p, i) => {
      const pool = await api.post<Created>('/api/v1/pools', {
        name: p.name,
        departmentId: deptId(p.department),
        siteId: p.siteId,
        gatewayIds: [gateway.id],
        graceSeconds: 1800,
      });
      await api.request('PUT', `/api/v1/pools/${pool.id}/lifecycle`, { probeDesktops: true });
      const ids: string[] = [];
      for (let n = 1; n <= p.desktops; n++) {
        const desktop = await api.post<Created>('/api/v1/desktops', {
          poolId: pool.id,
          name: `${p.department.toLowerCase()}-p${i + 1}-vd${String(n).padStart(2, '0')}`,
          host: at.desktopHost,
          port: at.desktopPort,
          rdpUsername: `yz${p.department.toLowerCase()}${n}`,
          rdpPassword: randomBytes(12).toString('base64url'),
        });
        ids.push(desktop.id);
      }
      return ids;
    })
  ).flat();
  progress(`桌面池 ${poolsWanted.length} 个、云桌面 ${desktopIds.length} 台`);

  const terminals = await eachLimited(windows, 6, async (w) => {
    const created = await api.post<{ id: string; credential: string }>('/api/v1/terminals', {
      siteId: w.siteId,
      windowId: w.id,
      name: `云终端-${w.siteId === county.id ? 'XZX' : 'Z'}-${w.code}`,
      hardwareId: `YZT-${w.id.slice(0, 8).toUpperCase()}`,
    });
    return { id: created.id, credential: created.credential, siteId: w.siteId, windowId: w.id, windowCode: w.code, departmentId: deptId(w.departmentCode) };
  });
  progress(`云终端 ${terminals.length} 台`);

  const clerks: DemoClerk[] = [];
  for (const d of DEPARTMENTS) {
    const n = Math.ceil(d.windows * CLERKS_PER_WINDOW);
    for (let i = 1; i <= n; i++)
      clerks.push({
        username: `${d.code.toLowerCase()}${String(i).padStart(2, '0')}`,
        displayName: clerkName(clerks.length + 1),
        siteId: county.id,
        departmentId: deptId(d.code),
      });
  }
  towns.forEach((t, i) => {
    for (const [k, code] of TOWN_DEPARTMENTS.slice(0, 2).entries()) {
      clerks.push({ username: `${TOWNS[i]?.login ?? t.id}${k + 1}`, displayName: clerkName(clerks.length + 1), siteId: t.id, departmentId: deptId(code) });
    }
  });
  return { countyId: county.id, siteIds: [county.id, ...towns.map((t) => t.id)], terminals, clerks, desktopIds };
}

/**
 * Creates the accounts: clerks first (each handed to `clerkReady` as soon as it can log in, so
 * the day starts while the rest are hashed), then a site-admin per town and an auditor.
 */
export async function createAccounts(
  api: DemoApi,
  county: SeededCounty,
  clerkReady: (clerk: DemoClerk) => void,
  progress: (line: string) => void,
): Promise<void> {
  await eachLimited(county.clerks, 3, async (c) => {
    await api.post('/api/v1/accounts', {
      username: c.username,
      displayName: c.displayName,
      password: CLERK_PASSWORD,
      homeSiteId: c.siteId,
      roles: ['clerk'],
      departmentIds: [c.departmentId],
    });
    clerkReady(c);
  });
  const [, ...towns] = county.siteIds;
  await eachLimited(TOWNS, 3, (t, i) =>
    api.post('/api/v1/accounts', {
      username: `${t.login}-admin`,
      displayName: `${t.name.replace('便民服务中心', '')}管理员`,
      password: TOWN_ADMIN_PASSWORD,
      homeSiteId: towns[i] ?? null,
      roles: ['site-admin'],
    }),
  );
  await api.post('/api/v1/accounts', {
    username: 'shenji',
    displayName: '审计 周敏',
    password: TOWN_ADMIN_PASSWORD,
    homeSiteId: county.countyId,
    roles: ['auditor'],
  });
  progress(`窗口人员 ${county.clerks.length} 名、镇管理员 ${TOWNS.length} 名、审计员 1 名`);
}
