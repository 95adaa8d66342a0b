import assert from 'node:assert/strict';
import { ApiClient, assertError, type AnyBody, type ApiResponse } from '../../helpers/api-client.js';
import { assertUnchanged, snapshotDatabase } from '../../helpers/db-snapshot.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { buildWorld, uniq, type World } from './role-matrix.world.js';

/**
 * Issue 13, findings 1, 2 and 9, sent as an attacker would: a write the actor may not make is
 * refused and leaves the database exactly as it was; a write that is made is audited row by row.
 */
const OLD_PASSWORD = 'County-admin-pw-1';
const NEW_PASSWORD = 'Taken-over-pw-99';

function importCsv(client: ApiClient, kind: 'accounts' | 'windows', lines: string[], dryRun: boolean): Promise<ApiResponse> {
  return client.request('POST', `/api/v1/imports/${kind}?dryRun=${dryRun}`, undefined, { raw: `${lines.join('\r\n')}\r\n`, contentType: 'text/csv' });
}

async function auditOf(w: World, action: string, targetId: string): Promise<AnyBody[]> {
  const res = await w.admin.get(`/api/v1/audit-events?action=${action}&targetId=${targetId}&order=asc&pageSize=100`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

async function loginStatus(broker: TestBroker, username: string, password: string): Promise<number> {
  return (await new ApiClient(broker.url).login(username, password)).status;
}

describe('security of writes (issue 13: import takeover, refused writes, concurrent settings)', () => {
  let broker: TestBroker;
  let w: World;
  let town: ApiClient;
  let townCode: string;
  const county = {} as Record<'admin' | 'auditor', { id: string; username: string }>;

  before(async () => {
    // a clock that stands still: no background pass writes a row between two snapshots
    broker = await startTestBroker({ clock: new ManualClock() });
    w = await buildWorld(broker);
    town = w.clients['town-site-admin'];
    townCode = (await w.admin.get(`/api/v1/sites/${w.sites.townA.id}`)).body.code;
    // county roles whose home site is the town: the town's admin sees them, and must not change them
    county.admin = await w.f.account({ username: uniq('ctyadmin'), roles: ['admin'], homeSiteId: w.sites.townA.id, password: OLD_PASSWORD });
    county.auditor = await w.f.account({ username: uniq('ctyaudit'), roles: ['auditor'], homeSiteId: w.sites.townA.id, password: OLD_PASSWORD });
  });
  after(() => broker.stop());

  it('finding 1: a town site-admin cannot take over a county admin or auditor by CSV import; the dry run names the refusal', async () => {
    for (const target of Object.values(county)) assertError(await town.patch(`/api/v1/accounts/${target.id}`, { password: NEW_PASSWORD }), 403, 'FORBIDDEN');
    const newClerk = uniq('imported');
    const csv = [
      '账号,姓名,密码,站点,角色',
      `${county.admin.username},接管,${NEW_PASSWORD},${townCode},站点管理员`,
      `${county.auditor.username},接管,${NEW_PASSWORD},${townCode},窗口人员`,
      `${newClerk},新人,${NEW_PASSWORD},${townCode},窗口人员`,
    ];
    const preview = await importCsv(town, 'accounts', csv, true);
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    const [adminRow, auditorRow, clerkRow] = preview.body.rows;
    for (const row of [adminRow, auditorRow]) {
      assert.equal(row.action, null);
      assert.deepEqual(row.codes, ['FORBIDDEN']);
      assert.match(row.errors.join(' '), /县级管理员或审计员/);
    }
    assert.deepEqual([clerkRow.action, clerkRow.errors, clerkRow.codes], ['create', [], []]);

    const before = await snapshotDatabase(broker.sequelize);
    assertError(await importCsv(town, 'accounts', csv, false), 422, 'IMPORT_INVALID');
    assertUnchanged(before, await snapshotDatabase(broker.sequelize), 'a refused import');
    for (const target of Object.values(county)) {
      assert.equal(await loginStatus(broker, target.username, NEW_PASSWORD), 401, 'the imported password does not open the account');
      assert.equal(await loginStatus(broker, target.username, OLD_PASSWORD), 200, 'the old password still does');
    }
  });

  it('finding 1: an import writes one audit event per row changed, with before and after, beside the aggregate one', async () => {
    const existing = await w.f.account({ homeSiteId: w.sites.townA.id, displayName: '旧名字' });
    const fresh = uniq('imported');
    const res = await importCsv(
      town,
      'accounts',
      ['账号,姓名,站点,密码', `${existing.username},新名字,${townCode},`, `${fresh},新人,${townCode},${NEW_PASSWORD}`],
      false,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [updated] = await auditOf(w, 'account.update', existing.id);
    assert.ok(updated, 'the changed account has its own audit event');
    assert.equal(updated.actorId, w.actors['town-site-admin'].id);
    assert.equal(updated.before.displayName, '旧名字');
    assert.equal(updated.after.displayName, '新名字');
    assert.equal(updated.details.line, 2);
    const created = (await w.admin.get(`/api/v1/accounts?q=${fresh}`)).body.items[0];
    const [createdEvent] = await auditOf(w, 'account.create', created.id);
    assert.equal(createdEvent?.after.username, fresh);
    assert.equal(createdEvent.before, null);
    assert.ok(!JSON.stringify([updated, createdEvent]).includes(NEW_PASSWORD), 'no password in the audit log');

    const win = await importCsv(town, 'windows', ['站点编码,窗口编号,名称', `${townCode},IMP-1,导入窗口`], false);
    assert.equal(win.status, 200, JSON.stringify(win.body));
    const window = (await w.admin.get(`/api/v1/windows?siteId=${w.sites.townA.id}&q=IMP-1`)).body.items[0];
    assert.equal((await auditOf(w, 'window.create', window.id))[0]?.after.label, '导入窗口');
  });

  it("finding 1: a town site-admin's import row naming a site it does not manage is FORBIDDEN (an unknown site is a bad value); nothing is applied", async () => {
    const otherCodes = await Promise.all(
      [w.sites.townB.id, w.sites.county.id].map(async (id) => (await w.admin.get(`/api/v1/sites/${id}`)).body.code as string),
    );
    const imports: Array<['windows' | 'accounts', string[]]> = [
      [
        'windows',
        [
          '站点编码,窗口编号,名称',
          `${townCode},OWN-1,本镇窗口`,
          ...otherCodes.map((code, i) => `${code},FOREIGN-${i},他处窗口`),
          'NO-SUCH-SITE,NONE-1,无此站点',
        ],
      ],
      [
        'accounts',
        [
          '账号,姓名,密码,站点',
          `${uniq('own')},本镇,${NEW_PASSWORD},${townCode}`,
          ...otherCodes.map((code) => `${uniq('foreign')},他处,${NEW_PASSWORD},${code}`),
          `${uniq('nosite')},无此站点,${NEW_PASSWORD},NO-SUCH-SITE`,
        ],
      ],
    ];
    for (const [kind, csv] of imports) {
      const preview = await importCsv(town, kind, csv, true);
      assert.equal(preview.status, 200, JSON.stringify(preview.body));
      const rows: Array<{ action: string | null; codes: string[]; errors: string[] }> = preview.body.rows;
      assert.deepEqual(
        rows.map((r) => [r.action, r.codes]),
        [
          ['create', []],
          [null, ['FORBIDDEN']],
          [null, ['FORBIDDEN']],
          [null, ['VALIDATION_FAILED']],
        ],
        kind,
      );
      assert.match(rows[1]!.errors.join(' '), /无权管理站点/);
      const before = await snapshotDatabase(broker.sequelize);
      const applied = await importCsv(town, kind, csv, false);
      assertError(applied, 422, 'IMPORT_INVALID');
      assert.deepEqual(
        applied.body.error.details.report.rows.map((r: { codes: string[] }) => r.codes),
        [[], ['FORBIDDEN'], ['FORBIDDEN'], ['VALIDATION_FAILED']],
      );
      assertUnchanged(before, await snapshotDatabase(broker.sequelize), `a ${kind} import naming another site`);
    }
  });

  it("finding 2: a town site-admin's write naming another site's pool or gateway is refused and stores nothing", async () => {
    const username = uniq('sneaky');
    const cases: Array<[string, () => Promise<ApiResponse>]> = [
      [
        'account with a county pool',
        () =>
          town.post('/api/v1/accounts', {
            username,
            displayName: '越权',
            password: NEW_PASSWORD,
            roles: ['site-admin'],
            homeSiteId: w.sites.townA.id,
            poolIds: [w.pools.county.id],
          }),
      ],
      [
        'pool with a county gateway',
        () =>
          town.post('/api/v1/pools', { name: uniq('池'), departmentId: w.departments.townA.id, siteId: w.sites.townA.id, gatewayIds: [w.gateways.county.id] }),
      ],
      [
        'account with a department of town B',
        () =>
          town.post('/api/v1/accounts', {
            username,
            displayName: '越权',
            password: NEW_PASSWORD,
            roles: ['clerk'],
            homeSiteId: w.sites.townA.id,
            departmentIds: [w.departments.townB.id],
          }),
      ],
    ];
    const colleague = await w.f.account({ username: uniq('colleague'), roles: ['site-admin'], homeSiteId: w.sites.townA.id, password: OLD_PASSWORD });
    cases.push([
      'password change with a county pool',
      () => town.patch(`/api/v1/accounts/${colleague.id}`, { password: NEW_PASSWORD, poolIds: [w.pools.county.id] }),
    ]);
    for (const [what, send] of cases) {
      const before = await snapshotDatabase(broker.sequelize);
      assertError(await send(), 400, 'VALIDATION_FAILED');
      assertUnchanged(before, await snapshotDatabase(broker.sequelize), what);
    }
    assert.equal(await loginStatus(broker, username, NEW_PASSWORD), 401, 'the refused account cannot sign in');
    assert.equal(await loginStatus(broker, colleague.username, NEW_PASSWORD), 401, 'the refused password does not work');
    assert.equal(await loginStatus(broker, colleague.username, OLD_PASSWORD), 200);
  });

  it("finding 2: an admin's pool naming an unknown gateway is refused and not created", async () => {
    const before = await snapshotDatabase(broker.sequelize);
    const res = await w.admin.post('/api/v1/pools', {
      name: uniq('池'),
      departmentId: w.departments.county.id,
      siteId: w.sites.county.id,
      gatewayIds: ['00000000-0000-4000-8000-00000000dead'],
    });
    assertError(res, 400, 'VALIDATION_FAILED');
    assert.equal(res.body.error.details.issues[0].path, 'body.gatewayIds');
    assertUnchanged(before, await snapshotDatabase(broker.sequelize), 'a pool with an unknown gateway');
  });

  it("finding 9: concurrent PUTs of a pool's lifecycle settings all succeed in turn, each audited with what it replaced", async () => {
    const pool = await w.f.pool(w.departments.county.id, w.sites.county.id, [w.gateways.county.id]);
    const bodies = [600, 700, 800, 900, 1000, 1100].map((resetTimeoutSeconds) => ({
      probeDesktops: false,
      resetTimeoutSeconds,
      startTimeoutSeconds: 900,
      warmup: null,
    }));
    const answers = await Promise.all(bodies.map((b) => w.admin.request('PUT', `/api/v1/pools/${pool.id}/lifecycle`, b)));
    assert.deepEqual(
      answers.map((a) => a.status),
      bodies.map(() => 200),
      JSON.stringify(answers.map((a) => a.body)),
    );
    const events = await auditOf(w, 'pool.lifecycle', pool.id);
    assert.equal(events.length, bodies.length);
    assert.equal(events[0]!.before.updatedAt, null, 'the first one replaced the defaults');
    for (let i = 1; i < events.length; i++) assert.deepEqual(events[i]!.before, events[i - 1]!.after, 'each replaced what the one before it wrote');
    const final = await w.admin.get(`/api/v1/pools/${pool.id}/lifecycle`);
    assert.deepEqual(final.body, events.at(-1)!.after, 'the last one audited is the one that stands');
  });
});
