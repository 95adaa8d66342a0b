import assert from 'node:assert/strict';
import { ApiClient, type ApiResponse } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import type { TestBroker } from '../../helpers/start-broker.js';

/** The five kinds of console caller the matrix runs as. */
/** department-reviewer: signs in, but reaches only the 差评 work orders of its departments */
export const ROLES = ['admin', 'county-site-admin', 'town-site-admin', 'auditor', 'clerk', 'department-reviewer'] as const;
export type RoleName = (typeof ROLES)[number];
/** Where a target row sits: the county hall, town A, town B, or county-wide (no site). */
export type SitePlace = 'county' | 'townA' | 'townB';
export type Place = SitePlace | 'countyWide';
export type Op = 'list' | 'get' | 'create' | 'update' | 'delete';

/** Secrets the matrix writes; the audit log must never hold any of them. */
export const SECRETS = {
  rolePassword: 'Role-pass-2026-x',
  accountPassword: 'Matrix-acct-pw-7',
  desktopPassword: 'Matrix-desk-secret-9',
  factoryClerkPassword: 'clerk-pass-1',
  factoryDesktopPassword: 'Desk-secret-1!',
};

let seq = 0;
export const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}x${(seq++).toString(36)}`;

export interface World {
  broker: TestBroker;
  admin: ApiClient;
  f: Factory;
  sites: Record<SitePlace, { id: string }>;
  departments: Record<Place, { id: string }>;
  gateways: Record<Place, { id: string }>;
  pools: Record<SitePlace, { id: string }>;
  sessions: Record<SitePlace, { id: string }>;
  clients: Record<RoleName, ApiClient>;
  actors: Record<RoleName, { id: string; username: string }>;
  /** a real clerk account, for the console login that must be refused */
  clerk: { username: string; password: string };
}

async function signIn(broker: TestBroker, f: Factory, account: Record<string, unknown>) {
  const created = await f.account({ ...account, password: SECRETS.rolePassword });
  const client = new ApiClient(broker.url);
  const res = await client.login(created.username, SECRETS.rolePassword);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { client, actor: { id: created.id as string, username: created.username as string } };
}

/** A clerk at a terminal of `siteId` takes a desktop of the site's pool: one session row there. */
async function sessionAt(f: Factory, siteId: string, departmentId: string, poolId: string) {
  await f.desktop(poolId);
  const clerk = await f.account({ departmentIds: [departmentId], homeSiteId: siteId });
  const { client } = await f.windowWithTerminal(siteId);
  const res = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: SECRETS.factoryClerkPassword });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.session.id as string };
}

/** County hall with towns A and B under it; per site a department, gateway, pool and session. */
export async function buildWorld(broker: TestBroker): Promise<World> {
  const f = new Factory(broker.admin);
  const county = await f.site({ kind: 'county', name: '县政务服务中心' });
  const townA = await f.site({ parentId: county.id, kind: 'town', name: '甲镇便民服务中心' });
  const townB = await f.site({ parentId: county.id, kind: 'town', name: '乙镇便民服务中心' });
  const sites = { county, townA, townB };
  const places: SitePlace[] = ['county', 'townA', 'townB'];
  const departments = { countyWide: await f.department({ siteId: null }) } as World['departments'];
  const gateways = { countyWide: await f.gateway({ siteId: null }) } as World['gateways'];
  const pools = {} as World['pools'];
  const sessions = {} as World['sessions'];
  for (const p of places) {
    departments[p] = await f.department({ siteId: sites[p].id });
    gateways[p] = await f.gateway({ siteId: sites[p].id });
    pools[p] = await f.pool(departments[p].id, sites[p].id, [gateways[p].id]);
    sessions[p] = await sessionAt(f, sites[p].id, departments[p].id, pools[p].id);
  }

  const countyAdmin = await signIn(broker, f, { roles: ['site-admin'], homeSiteId: county.id });
  const townAdmin = await signIn(broker, f, { roles: ['site-admin'], homeSiteId: townA.id });
  const auditor = await signIn(broker, f, { roles: ['auditor'] });
  // A clerk cannot get a console session (see the login test), so the matrix's clerk is an
  // account that signed in as a site admin and was then made a clerk: its live cookie must
  // stop opening any admin route.
  const demoted = await signIn(broker, f, { roles: ['site-admin'], homeSiteId: townA.id });
  const demote = await broker.admin.patch(`/api/v1/accounts/${demoted.actor.id}`, { roles: ['clerk'] });
  assert.equal(demote.status, 200, JSON.stringify(demote.body));
  const reviewer = await signIn(broker, f, { roles: ['department-reviewer'], departmentIds: [departments.townA.id] });
  const me = await broker.admin.get('/api/v1/auth/me');
  const clerk = await f.account({ password: SECRETS.rolePassword });

  return {
    broker,
    admin: broker.admin,
    f,
    sites,
    departments,
    gateways,
    pools,
    sessions,
    clients: {
      admin: broker.admin,
      'county-site-admin': countyAdmin.client,
      'town-site-admin': townAdmin.client,
      auditor: auditor.client,
      clerk: demoted.client,
      'department-reviewer': reviewer.client,
    },
    actors: {
      admin: { id: me.body.account.id, username: 'admin' },
      'county-site-admin': countyAdmin.actor,
      'town-site-admin': townAdmin.actor,
      auditor: auditor.actor,
      clerk: demoted.actor,
      'department-reviewer': reviewer.actor,
    },
    clerk: { username: clerk.username, password: SECRETS.rolePassword },
  };
}

/** Every page of a list, or the refusing response. */
export async function listAll(client: ApiClient, path: string): Promise<{ res: ApiResponse; items: Array<Record<string, unknown>> }> {
  const items: Array<Record<string, unknown>> = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const res = await client.get(`${path}${sep}page=${page}&pageSize=500`);
    if (res.status !== 200) return { res, items };
    items.push(...res.body.items);
    if (res.body.items.length === 0 || items.length >= res.body.total) return { res, items };
  }
}

/** How many rows the admin sees: the yardstick for "a refused create stored nothing". */
export async function adminTotal(w: World, path: string): Promise<number> {
  const res = await w.admin.get(`/api/v1/${path}?pageSize=1`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.total as number;
}
