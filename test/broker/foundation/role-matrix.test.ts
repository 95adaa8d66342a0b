import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { describeExpect, expected, RESOURCES, type ResourceSpec } from './role-matrix.oracle.js';
import { adminTotal, buildWorld, listAll, ROLES, SECRETS, uniq, type Op, type Place, type RoleName, type World } from './role-matrix.world.js';

/** The newest audit event of `type.op` on `id` names the actor and carries before/after. */
async function assertAudited(w: World, role: RoleName, spec: ResourceSpec, op: Op, id: string): Promise<void> {
  const res = await w.admin.get(`/api/v1/audit-events?targetId=${id}&action=${spec.type}.${op}`);
  assert.equal(res.status, 200);
  const event = res.body.items[0];
  assert.ok(event, `no ${spec.type}.${op} audit event for ${id}`);
  assert.equal(event.actorId, w.actors[role].id);
  assert.equal(event.actorName, w.actors[role].username);
  assert.equal(event.targetType, spec.type);
  assert.ok(event.address, 'the audit event records the address');
  assert.ok(!Number.isNaN(Date.parse(event.at)));
  if (op === 'create') assert.equal(event.before, null);
  else assert.equal(event.before?.id, id);
  if (op === 'delete') assert.equal(event.after, null);
  else assert.equal(event.after?.id, id);
}

async function adminRead(w: World, spec: ResourceSpec, id: string) {
  return w.admin.get(`/api/v1/${spec.path}/${id}`);
}

async function runCell(w: World, role: RoleName, spec: ResourceSpec, op: Op, place: Place): Promise<void> {
  const exp = expected(role, spec, op, place);
  const client = w.clients[role];
  const base = `/api/v1/${spec.path}`;
  const refused = (res: Parameters<typeof assertError>[0]) => {
    if (exp.ok) throw new Error('not a refusal');
    assertError(res, exp.status, exp.code);
  };

  if (op === 'list') {
    const row = await spec.row(w, place, 'read');
    const { res, items } = await listAll(client, spec.listPath?.(row) ?? base);
    if (!exp.ok) return refused(res);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(
      items.some((i) => i.id === row.id || i.targetId === row.id),
      exp.visible,
      `row in ${place} listed`,
    );
    return;
  }
  if (op === 'get') {
    const row = await spec.row(w, place, 'read');
    const res = await client.get(`${base}/${row.id}`);
    if (!exp.ok) return refused(res);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, row.id);
    return;
  }
  if (op === 'create') {
    const before = await adminTotal(w, spec.path);
    const res = await client.post(base, spec.createBody!(w, place));
    if (!exp.ok) {
      refused(res);
      assert.equal(await adminTotal(w, spec.path), before, 'a refused create stored nothing');
      return;
    }
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await adminRead(w, spec, res.body.id)).status, 200);
    assert.equal(await adminTotal(w, spec.path), before + 1);
    return assertAudited(w, role, spec, op, res.body.id);
  }
  const row = await spec.row(w, place, op);
  const before = await adminRead(w, spec, row.id);
  assert.equal(before.status, 200);
  if (op === 'update') {
    const change = spec.updateBody!();
    const res = await client.patch(`${base}/${row.id}`, change);
    const after = await adminRead(w, spec, row.id);
    if (!exp.ok) {
      refused(res);
      assert.deepEqual(after.body, before.body, 'a refused update changed nothing');
      return;
    }
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const [k, v] of Object.entries(change)) assert.equal(after.body[k], v);
    // a PATCH touches only what it names: every other field keeps its stored value
    const untouched = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([k]) => !(k in change) && k !== 'updatedAt'));
    assert.deepEqual(untouched(after.body), untouched(before.body));
    return assertAudited(w, role, spec, op, row.id);
  }
  const res = await client.delete(`${base}/${row.id}`);
  const after = await adminRead(w, spec, row.id);
  if (!exp.ok) {
    refused(res);
    assert.deepEqual(after.body, before.body, 'a refused delete removed nothing');
    return;
  }
  assert.equal(res.status, 204, JSON.stringify(res.body));
  assertError(after, 404, 'NOT_FOUND');
  return assertAudited(w, role, spec, op, row.id);
}

describe('role matrix: every role × resource × operation × site', function () {
  this.timeout(120_000);
  let broker: TestBroker;
  let w: World;

  before(async () => {
    broker = await startTestBroker();
    w = await buildWorld(broker);
  });
  after(() => broker.stop());

  it('a clerk cannot sign in to the console (403 FORBIDDEN, no session cookie)', async () => {
    const client = new ApiClient(broker.url);
    assertError(await client.login(w.clerk.username, w.clerk.password), 403, 'FORBIDDEN');
    assert.equal(client.cookies.has('yz_session'), false);
    assertError(await client.get('/api/v1/sites'), 401, 'UNAUTHENTICATED');
  });

  for (const spec of RESOURCES) {
    describe(spec.path, () => {
      for (const role of ROLES) {
        for (const op of spec.ops) {
          for (const place of spec.places) {
            it(`${role} ${op} in ${place} → ${describeExpect(expected(role, spec, op, place))}`, () => runCell(w, role, spec, op, place));
          }
        }
      }
    });
  }

  describe('site admins beyond the grid', () => {
    it('cannot grant admin or auditor, to others or to themselves', async () => {
      const town = w.clients['town-site-admin'];
      const before = await adminTotal(w, 'accounts');
      for (const roles of [['admin'], ['auditor'], ['clerk', 'admin']]) {
        const body = { username: uniq('u'), displayName: '越权', password: SECRETS.accountPassword, homeSiteId: w.sites.townA.id, roles };
        assertError(await w.clients['county-site-admin'].post('/api/v1/accounts', { ...body, homeSiteId: w.sites.county.id }), 403, 'FORBIDDEN');
        assertError(await town.post('/api/v1/accounts', body), 403, 'FORBIDDEN');
      }
      assert.equal(await adminTotal(w, 'accounts'), before);
      const clerk = await w.f.account({ homeSiteId: w.sites.townA.id });
      assertError(await town.patch(`/api/v1/accounts/${clerk.id}`, { roles: ['admin'] }), 403, 'FORBIDDEN');
      const self = w.actors['town-site-admin'].id;
      assertError(await town.patch(`/api/v1/accounts/${self}`, { roles: ['admin'] }), 403, 'FORBIDDEN');
      assert.deepEqual((await w.admin.get(`/api/v1/accounts/${clerk.id}`)).body.roles, ['clerk']);
      assert.deepEqual((await w.admin.get(`/api/v1/accounts/${self}`)).body.roles, ['site-admin']);
    });

    it('cannot create a root site', async () => {
      const before = await adminTotal(w, 'sites');
      for (const role of ['county-site-admin', 'town-site-admin'] as const) {
        assertError(await w.clients[role].post('/api/v1/sites', { parentId: null, code: uniq('R'), name: '另立中心', kind: 'county' }), 403, 'FORBIDDEN');
      }
      assert.equal(await adminTotal(w, 'sites'), before);
    });

    it('cannot move a row of its own site into another site', async () => {
      const win = await w.f.window(w.sites.townA.id);
      const town = w.clients['town-site-admin'];
      assertError(await town.patch(`/api/v1/windows/${win.id}`, { siteId: w.sites.townB.id }), 403, 'FORBIDDEN');
      assertError(await town.patch(`/api/v1/windows/${win.id}`, { siteId: w.sites.county.id }), 403, 'FORBIDDEN');
      const dept = await w.f.department({ siteId: w.sites.townA.id });
      assertError(await town.patch(`/api/v1/departments/${dept.id}`, { siteId: null }), 403, 'FORBIDDEN');
      assert.equal((await w.admin.get(`/api/v1/windows/${win.id}`)).body.siteId, w.sites.townA.id);
      assert.equal((await w.admin.get(`/api/v1/departments/${dept.id}`)).body.siteId, w.sites.townA.id);
    });

    it('cannot widen its list with a filter for another site', async () => {
      const town = w.clients['town-site-admin'];
      for (const path of ['windows', 'terminals', 'pools', 'desktops', 'sessions', 'audit-events']) {
        const res = await town.get(`/api/v1/${path}?siteId=${w.sites.townB.id}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.total, 0, path);
      }
    });
  });

  describe('the audit log after the matrix', () => {
    it('holds no password, password hash or sealed desktop password', async () => {
      const rows = await broker.sequelize.query('SELECT * FROM audit_events', { type: QueryTypes.SELECT });
      assert.ok(rows.length > 100);
      const text = JSON.stringify(rows);
      const hashes = await broker.sequelize.query<{ s: string }>(
        'SELECT password_hash AS s FROM accounts UNION ALL SELECT rdp_password_enc AS s FROM desktops',
        { type: QueryTypes.SELECT },
      );
      for (const secret of [...Object.values(SECRETS), ...hashes.map((h) => h.s), 'scrypt$', 'v1:']) {
        assert.equal(text.includes(secret), false, `audit log contains ${secret.slice(0, 12)}…`);
      }
    });
  });
});
