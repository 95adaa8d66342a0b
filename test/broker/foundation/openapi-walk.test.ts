import assert from 'node:assert/strict';
import type { ApiResponse } from '../../helpers/api-client.js';
import { snapshotDatabase, snapshotDiff, type DatabaseSnapshot } from '../../helpers/db-snapshot.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { exampleOf, refResource, SITE_FIELDS, type JsonSchema } from './openapi-walk.bodies.js';
import { buildWorld, ROLES, uniq, type RoleName, type World } from './role-matrix.world.js';

/**
 * Issue 13: every path and method of /api/v1/openapi.json, for every role, against the rows of a
 * site the role does not own (a neighbouring county, outside every test actor's subtree; the
 * admin names ids that do not exist). A refusal must leave every table exactly as it was (a
 * refusal's own security record, an `*.refused` audit event, aside), and no write naming another
 * site's row may be accepted. A second pass sends each site admin's bodies into its OWN site and
 * rows, with every other reference pointing at the neighbour (finding 2's shape).
 */
type Operation = { method: string; path: string; body?: JsonSchema; csv: boolean };
type Rows = Record<string, string>;
/** where a request points: the row in the path, the site a written row goes to, the rows it refers to (by field) */
type Aim = { path: Rows; site: Rows; refs: Rows; refOf?: (field: string) => Rows };

const UNKNOWN_ID = '00000000-0000-4000-8000-00000000beef';
const FAKE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
/** signing in and out is no decision on a row (and logout would end the walker's own session) */
const NOT_WALKED = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/logout']);
const REFUSAL_RECORD = /^audit_events: \+1 -0 \[\["action","[a-z.-]+\.refused"\]/;

function operationsOf(doc: { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      return { method: method.toUpperCase(), path, body: content['application/json']?.schema, csv: 'text/csv' in content };
    }),
  );
}

/** One row of every kind in `site` (made by the admin), a live session included. */
async function buildSiteRows(w: World, site: { id: string; code: string }): Promise<Rows> {
  const { f, admin } = w;
  const department = await f.department({ siteId: site.id });
  const gateway = await f.gateway({ siteId: site.id });
  const pool = await f.pool(department.id, site.id, [gateway.id]);
  await f.desktop(pool.id);
  const desktop = await f.desktop(pool.id);
  const clerk = await f.account({ homeSiteId: site.id, departmentIds: [department.id] });
  const { window, terminal, client } = await f.windowWithTerminal(site.id);
  const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
  assert.equal(login.status, 201, JSON.stringify(login.body));
  const sshHost = await admin.create('/api/v1/ssh-hosts', { name: uniq('kvm'), siteId: site.id, host: '127.0.0.1', username: 'ops', privateKey: FAKE_KEY });
  const poolAction = await admin.create('/api/v1/pool-actions', { poolId: pool.id, point: 'on-release', sshHostId: sshHost.id, command: 'true' });
  const joinToken = await admin.create('/api/v1/join-tokens', { siteId: site.id });
  const identitySource = await admin.create('/api/v1/identity-sources', {
    name: uniq('目录'),
    siteId: site.id,
    urls: ['ldap://127.0.0.1:1'],
    baseDn: 'ou=people,dc=walk',
    bindMode: 'user',
    userDnTemplate: 'uid={username},dc=walk',
    groupMappings: [{ groupDn: 'cn=walk,dc=walk', departmentIds: [department.id], poolIds: [pool.id] }],
  });
  // a 差评 given here, and the work order it opened
  const invitation = await client.post('/api/v1/terminal/rating-invitations', { sessionId: login.body.session.id });
  const rated = await client.post('/api/v1/terminal/ratings', { invitationId: invitation.body.id, level: 1, tagSetVersion: 1 });
  assert.equal(rated.status, 201, JSON.stringify(rated.body));
  const orders = await admin.get(`/api/v1/rating-work-orders?siteId=${site.id}`);
  assert.equal(orders.body.total, 1, JSON.stringify(orders.body));
  const loginRule = await admin.create('/api/v1/login-rules', { name: uniq('规则'), siteId: site.id, departmentIds: [department.id], windowsAtHomeSite: true });
  // the change on its way to the province (county-wide: a retry is the county admin's)
  const outbox = await admin.get('/api/v1/rating-outbox?order=desc&pageSize=1');
  assert.equal(outbox.body.items[0]?.ratingId, rated.body.id, JSON.stringify(outbox.body));
  return {
    'login-rules': loginRule.id,
    sites: site.id,
    departments: department.id,
    gateways: gateway.id,
    pools: pool.id,
    desktops: desktop.id,
    accounts: clerk.id,
    windows: window.id,
    terminals: terminal.id,
    sessions: login.body.session.id,
    'ssh-hosts': sshHost.id,
    'pool-actions': poolAction.id,
    'join-tokens': joinToken.id,
    'identity-sources': identitySource.id,
    'rating-work-orders': orders.body.items[0].id,
    'rating-outbox': String(outbox.body.items[0].id),
    siteCode: site.code,
    departmentCode: department.code,
    windowCode: window.code,
    username: clerk.username,
  };
}

/** The request: path ids, site fields and references each from the aim; ids it lacks do not exist. */
function requestFor(op: Operation, aim: Aim): { url: string; body?: unknown; csv?: string } {
  const segments = op.path
    .replace('/api/v1/', '')
    .replace(/^terminal\//, '')
    .split('/');
  const url = op.path.replace('{id}', aim.path[segments[0]!] ?? UNKNOWN_ID).replace('{date}', aim.path.date ?? '2027-02-01');
  if (op.csv) {
    const site = aim.site.siteCode ?? 'NO-SUCH-SITE';
    const csv = op.path.endsWith('/accounts')
      ? `账号,姓名,密码,站点,部门,角色\r\n${aim.refs.username ?? 'nobody'},越权,Walk-pass-2026,${site},${aim.refs.departmentCode ?? 'NO-SUCH'},窗口人员\r\n`
      : `站点编码,窗口编号,名称,部门编码\r\n${site},${aim.refs.windowCode ?? 'W-1'},越权,${aim.refs.departmentCode ?? 'NO-SUCH'}\r\n`;
    return { url, csv };
  }
  if (!op.body) return { url };
  const rowOf = (field: string) => (SITE_FIELDS.has(field) ? aim.site.sites : (aim.refOf?.(field) ?? aim.refs)[refResource(field) ?? '']) ?? UNKNOWN_ID;
  return { url, body: exampleOf(op.body, rowOf) };
}

describe('authorization walk: every OpenAPI path and method, every role, rows of another site', function () {
  this.timeout(120_000);
  let broker: TestBroker;
  let w: World;
  let other: Rows;
  const own = {} as Record<'county-site-admin' | 'town-site-admin', Rows>;
  let operations: Operation[];

  before(async () => {
    // a clock that stands still: no background pass (alerts every 15 s, the outbox, the reconciler)
    // writes a row between a request and the snapshot that judges it
    broker = await startTestBroker({ clock: new ManualClock() });
    w = await buildWorld(broker);
    other = await buildSiteRows(w, await w.f.site({ kind: 'county', name: '邻县政务服务中心' }));
    const codeOf = async (id: string) => ({ id, code: (await w.admin.get(`/api/v1/sites/${id}`)).body.code as string });
    own['county-site-admin'] = await buildSiteRows(w, await codeOf(w.sites.county.id));
    own['town-site-admin'] = await buildSiteRows(w, await codeOf(w.sites.townA.id));
    const pin = await w.admin.request('PUT', '/api/v1/ssh-known-hosts', { host: '10.9.9.9', port: 22, fingerprint: `SHA256:${'C'.repeat(43)}` });
    assert.equal(pin.status, 200, JSON.stringify(pin.body));
    assert.equal((await w.admin.request('PUT', '/api/v1/calendar-days/2027-01-04', { kind: 'holiday', label: '元旦调休' })).status, 200);
    Object.assign(other, { 'ssh-known-hosts': pin.body.id, date: '2027-01-04' });
    const doc = await w.admin.get('/api/v1/openapi.json');
    operations = operationsOf(doc.body).filter((op) => !NOT_WALKED.has(`${op.method} ${op.path}`));
    assert.ok(operations.length > 80, `only ${operations.length} operations in the document`);
  });
  after(() => broker.stop());

  /** Sends each operation as `role`, each with every aim; returns every broken rule. */
  async function walk(role: RoleName, ops: Operation[], aimsOf: (op: Operation) => Aim[], foreign: string[]): Promise<string[]> {
    const client = w.clients[role];
    const problems: string[] = [];
    let before: DatabaseSnapshot = await snapshotDatabase(broker.sequelize);
    for (const [op, aim] of ops.flatMap((op) => aimsOf(op).map((aim) => [op, aim] as const))) {
      const req = requestFor(op, aim);
      const res: ApiResponse =
        req.csv !== undefined
          ? await client.request(op.method, `${req.url}?dryRun=false`, undefined, { raw: req.csv, contentType: 'text/csv' })
          : await client.request(op.method, req.url, req.body);
      const after = await snapshotDatabase(broker.sequelize);
      const what = `${op.method} ${op.path} → ${res.status} ${res.body?.error?.code ?? ''}`;
      const sent = `${req.url} ${JSON.stringify(req.body ?? req.csv ?? '')}`;
      // an integer id (the outbox's) names a row only as a whole path segment: "1" is in every "/api/v1"
      const namesForeign = foreign.some((id) => (/^\d+$/.test(String(id)) ? new RegExp(`/${id}(/|\\?| |$)`).test(sent) : sent.includes(id)));
      if (res.status >= 400) {
        const diff = snapshotDiff(before, after).filter((d) => !REFUSAL_RECORD.test(d));
        if (diff.length) problems.push(`${what} was refused but changed: ${diff.join('; ')}`);
      } else if (op.method !== 'GET' && namesForeign) {
        problems.push(`${what}: a write naming a row of another site (or none) was accepted: ${sent.slice(0, 300)}`);
      } else if (op.method === 'GET' && op.path.includes('{') && namesForeign && role !== 'auditor' && role !== 'admin') {
        problems.push(`${what}: another site's row was read`);
      }
      before = after;
    }
    return problems;
  }

  const foreignOf = (rows: Rows) =>
    Object.entries(rows)
      .filter(([k]) => k !== 'date')
      .map(([, v]) => v);

  for (const role of ROLES) {
    it(`${role}: every operation at another site's rows; a refusal changes nothing, no such write is accepted`, async () => {
      const aim: Aim = role === 'admin' ? { path: {}, site: {}, refs: {} } : { path: other, site: other, refs: other };
      assert.deepEqual(await walk(role, operations, () => [aim], role === 'admin' ? [UNKNOWN_ID, 'NO-SUCH-SITE'] : foreignOf(other)), []);
    });
  }

  for (const role of ['county-site-admin', 'town-site-admin'] as const) {
    it(`${role}: every write with a body, into its own site and rows, naming the other site's rows`, async () => {
      const writes = operations.filter(
        (op) => (op.body || op.csv) && op.method !== 'GET' && !op.path.startsWith('/api/v1/terminal/') && op.path !== '/api/v1/agent/enroll',
      );
      // one request per reference field: that field names the neighbour's row, every other one its own
      const aimsOf = (op: Operation): Aim[] => {
        if (!op.body) return [{ path: own[role], site: own[role], refs: other }];
        const fields = new Set<string>();
        exampleOf(op.body, (field) => (fields.add(field), UNKNOWN_ID));
        return [...fields]
          .filter((f) => !SITE_FIELDS.has(f) && refResource(f))
          .map((foreignField) => ({
            path: own[role],
            site: own[role],
            refs: own[role],
            refOf: (field: string) => (field === foreignField ? other : own[role]),
          }));
      };
      const problems = await walk(role, writes, aimsOf, foreignOf(other));
      assert.deepEqual(problems, []);
    });
  }

  // Issue 17 item 4: a county's departments are shared with the towns below it (read, never written)
  it('town-site-admin: every operation at the county above it; only its departments are read, none is written', async () => {
    const county = own['county-site-admin'];
    const shared = new Set([county.departments, county.departmentCode]);
    const aim: Aim = { path: county, site: county, refs: county };
    assert.deepEqual(
      await walk(
        'town-site-admin',
        operations,
        () => [aim],
        foreignOf(county).filter((id) => !shared.has(id!)),
      ),
      [],
    );
    const town = w.clients['town-site-admin'];
    const department = `/api/v1/departments/${county.departments}`;
    assert.equal((await town.get(department)).status, 200);
    assert.ok((await town.get('/api/v1/departments?pageSize=500')).body.items.some((d: { id: string }) => d.id === county.departments));
    const before = await snapshotDatabase(broker.sequelize);
    for (const res of [await town.patch(department, { name: '改名' }), await town.delete(department)]) assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.deepEqual(
      snapshotDiff(before, await snapshotDatabase(broker.sequelize)).filter((d) => !REFUSAL_RECORD.test(d)),
      [],
    );
  });

  it("town-site-admin: its own pools, windows, clerks and CSV rows may name the county's department", async () => {
    const county = own['county-site-admin'];
    const mine = own['town-site-admin'];
    const town = w.clients['town-site-admin'];
    const created = [
      await town.post('/api/v1/pools', { name: '镇人社桌面池', departmentId: county.departments, siteId: mine.sites, gatewayIds: [mine.gateways] }),
      await town.post('/api/v1/windows', { siteId: mine.sites, code: 'T-17', departmentId: county.departments }),
      await town.post('/api/v1/accounts', {
        username: 'town17clerk',
        displayName: '镇窗口人员',
        password: 'Town-pass-2026',
        homeSiteId: mine.sites,
        departmentIds: [county.departments],
      }),
    ];
    for (const res of created) assert.equal(res.status, 201, JSON.stringify(res.body));
    const csv = `站点编码,窗口编号,名称,部门编码\r\n${mine.siteCode},T-18,镇窗口,${county.departmentCode}\r\n`;
    const imported = await town.request('POST', '/api/v1/imports/windows?dryRun=false', undefined, { raw: csv, contentType: 'text/csv' });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    const windows = await town.get(`/api/v1/windows?siteId=${mine.sites}&departmentId=${county.departments}`);
    assert.deepEqual(windows.body.items.map((x: { code: string }) => x.code).sort(), ['T-17', 'T-18']);
  });
});
