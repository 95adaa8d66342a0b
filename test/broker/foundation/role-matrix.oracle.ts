import { SECRETS, uniq, type Op, type Place, type RoleName, type SitePlace, type World } from './role-matrix.world.js';

export type Expect = { ok: true; visible: boolean } | { ok: false; status: number; code: string };

export interface ResourceSpec {
  path: string;
  /** the audit action prefix (`window.create`) */
  type: string;
  ops: Op[];
  places: Place[];
  /** rows without a site: readable by every site admin, or invisible to them (county accounts) */
  countyWide?: 'readable' | 'invisible';
  /** rows of a site are read (never written) by the site admins of the sites below it (departments) */
  inherited?: boolean;
  /** a site admin creating in a site it may not write is refused with this */
  createElsewhere?: { status: number; code: string };
  /** a row in `place`: `read` rows are shared, `update`/`delete` rows are fresh */
  row(w: World, place: Place, purpose: 'read' | 'update' | 'delete'): Promise<{ id: string }>;
  createBody?(w: World, place: Place): Record<string, unknown>;
  updateBody?(): Record<string, unknown>;
  /** list path that would hold the row (audit events are filtered by target) */
  listPath?(row: { id: string }): string;
}

const FORBIDDEN = { ok: false, status: 403, code: 'FORBIDDEN' } as const;
const NOT_FOUND = { ok: false, status: 404, code: 'NOT_FOUND' } as const;
const OK = { ok: true, visible: true } as const;

/** Sites a site admin's subtree holds: the county's includes its towns. */
const SUBTREE: Partial<Record<RoleName, SitePlace[]>> = {
  'county-site-admin': ['county', 'townA', 'townB'],
  'town-site-admin': ['townA'],
};

/** Sites above a site admin's subtree: the county above town A. */
const ABOVE: Partial<Record<RoleName, SitePlace[]>> = {
  'county-site-admin': [],
  'town-site-admin': ['county'],
};

/** The expected outcome of one cell, from the rules in the issue, not from the code under test. */
export function expected(role: RoleName, spec: ResourceSpec, op: Op, place: Place): Expect {
  const read = op === 'list' || op === 'get';
  // neither reaches an admin route (the reviewer: its work orders only, not in this grid)
  if (role === 'clerk' || role === 'department-reviewer') return FORBIDDEN;
  if (role === 'admin') return OK;
  if (role === 'auditor') return read ? OK : FORBIDDEN;
  const subtree = SUBTREE[role]!;
  if (place === 'countyWide') {
    if (spec.countyWide === 'readable') return read ? OK : FORBIDDEN;
    if (op === 'list') return { ok: true, visible: false };
    return op === 'create' ? FORBIDDEN : NOT_FOUND;
  }
  if (subtree.includes(place)) return OK;
  if (spec.inherited && ABOVE[role]!.includes(place)) return read ? OK : FORBIDDEN;
  if (op === 'list') return { ok: true, visible: false };
  if (op === 'create') return { ok: false, ...(spec.createElsewhere ?? FORBIDDEN) };
  return NOT_FOUND;
}

export function describeExpect(e: Expect): string {
  if (e.ok) return e.visible ? 'allowed' : 'allowed, row not listed';
  return `${e.status} ${e.code}`;
}

const SITE_PLACES: SitePlace[] = ['county', 'townA', 'townB'];
const ALL_PLACES: Place[] = [...SITE_PLACES, 'countyWide'];
const CRUD: Op[] = ['list', 'get', 'create', 'update', 'delete'];
const siteIdOf = (w: World, place: Place) => (place === 'countyWide' ? null : w.sites[place].id);
const sitePlace = (place: Place): SitePlace => {
  if (place === 'countyWide') throw new Error('this resource has no county-wide rows');
  return place;
};

/** Shared read rows, one per (resource, place); fresh rows for every write. */
const shared = new Map<string, Promise<{ id: string }>>();
function rowFactory(path: string, make: (w: World, place: Place) => Promise<{ id: string }>): ResourceSpec['row'] {
  return (w, place, purpose) => {
    if (purpose !== 'read') return make(w, place);
    const key = `${path}/${place}`;
    if (!shared.has(key)) shared.set(key, make(w, place));
    return shared.get(key)!;
  };
}

function crud(
  path: string,
  type: string,
  body: (w: World, place: Place) => Record<string, unknown>,
  update: () => Record<string, unknown>,
  extra: Partial<ResourceSpec> = {},
): ResourceSpec {
  return {
    path,
    type,
    ops: CRUD,
    places: extra.countyWide ? ALL_PLACES : SITE_PLACES,
    row: rowFactory(path, (w, place) => w.admin.create(`/api/v1/${path}`, body(w, place))),
    createBody: body,
    updateBody: update,
    ...extra,
  };
}

export const RESOURCES: ResourceSpec[] = [
  {
    ...crud(
      'sites',
      'site',
      (w, place) => ({ parentId: w.sites[sitePlace(place)].id, code: uniq('S'), name: '新中心', kind: 'other' }),
      () => ({ name: uniq('改名中心') }),
    ),
    // the county and town rows themselves; deletes take a fresh leaf under them (same subtree)
    row: async (w, place, purpose) =>
      purpose === 'delete'
        ? w.admin.create('/api/v1/sites', { parentId: w.sites[sitePlace(place)].id, code: uniq('S'), name: '待删中心', kind: 'other' })
        : w.sites[sitePlace(place)],
  },
  crud(
    'departments',
    'department',
    (w, place) => ({ code: uniq('D'), name: '市场监管', siteId: siteIdOf(w, place) }),
    () => ({ name: uniq('部门') }),
    { countyWide: 'readable', inherited: true },
  ),
  crud(
    'windows',
    'window',
    (w, place) => ({ siteId: siteIdOf(w, place), code: uniq('A-') }),
    () => ({ label: uniq('窗口') }),
  ),
  crud(
    'terminals',
    'terminal',
    (w, place) => ({ siteId: siteIdOf(w, place), windowId: null, name: uniq('终端') }),
    () => ({ name: uniq('终端') }),
  ),
  crud(
    'accounts',
    'account',
    (w, place) => ({ username: uniq('u'), displayName: '窗口人员', password: SECRETS.accountPassword, homeSiteId: siteIdOf(w, place), roles: ['clerk'] }),
    () => ({ displayName: uniq('改名') }),
    { countyWide: 'invisible' },
  ),
  crud(
    'gateways',
    'gateway',
    (w, place) => ({ name: uniq('guacd'), host: '10.0.0.9', port: 4822, siteId: siteIdOf(w, place) }),
    () => ({ name: uniq('guacd') }),
    { countyWide: 'readable' },
  ),
  crud(
    'pools',
    'pool',
    (w, place) => ({ name: uniq('池'), departmentId: w.departments[place].id, siteId: siteIdOf(w, place), gatewayIds: [w.gateways[place].id] }),
    () => ({ name: uniq('池') }),
  ),
  crud(
    'desktops',
    'desktop',
    (w, place) => ({ poolId: w.pools[sitePlace(place)].id, name: uniq('桌面'), host: '10.0.0.20', rdpUsername: 'desk', rdpPassword: SECRETS.desktopPassword }),
    () => ({ name: uniq('桌面') }),
    // the site is implied by the pool, which a site admin outside it cannot see: "no such pool"
    { createElsewhere: { status: 400, code: 'VALIDATION_FAILED' } },
  ),
  { path: 'sessions', type: 'session', ops: ['list', 'get'], places: SITE_PLACES, row: async (w, place) => w.sessions[sitePlace(place)] },
  {
    path: 'audit-events',
    type: 'audit',
    ops: ['list'],
    places: SITE_PLACES,
    // the audit event of a window created in `place` carries that site
    row: rowFactory('audit-events', (w, place) => w.admin.create('/api/v1/windows', { siteId: siteIdOf(w, place), code: uniq('AU-') })),
    listPath: (row) => `/api/v1/audit-events?targetId=${row.id}&action=window.create`,
  },
];
