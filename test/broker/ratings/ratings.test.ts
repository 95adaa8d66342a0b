import assert from 'node:assert/strict';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import type { LiveEvent } from '../../../broker/src/lib/live-events.js';

const CLERK_PASSWORD = 'clerk-pass-1';

describe('好差评: rating API', () => {
  let broker: TestBroker;
  let f: Factory;
  const clock = new ManualClock();

  before(async () => {
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  /** a clerk logged in at a window of `siteId` (a new hall when omitted) */
  async function servedSession(hallArg?: Awaited<ReturnType<Factory['hall']>>) {
    const hall = hallArg ?? (await f.hall({ desktops: 2 }));
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const { window, terminal, client } = await f.windowWithTerminal(hall.site.id);
    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: CLERK_PASSWORD });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    return { hall, clerk, window, terminal, client, sessionId: login.body.session.id as string };
  }

  async function invite(client: ApiClient, sessionId: string): Promise<string> {
    const res = await client.post('/api/v1/terminal/rating-invitations', { sessionId });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.ok(Date.parse(res.body.expiresAt) > clock.now(), 'expires in the future');
    return res.body.id;
  }

  it('records one rating per invitation with time, window, site, clerk, department and session', async () => {
    const served = await servedSession();
    const seen: LiveEvent[] = [];
    const unsubscribe = broker.events.subscribe((e) => seen.push(e));
    try {
      const invitationId = await invite(served.client, served.sessionId);
      const first = await served.client.post('/api/v1/terminal/ratings', { invitationId, score: 'bad', reasons: ['wait-too-long', '态度不好'] });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.deepEqual(
        { sessionId: first.body.sessionId, windowId: first.body.windowId, siteId: first.body.siteId, accountId: first.body.accountId, departmentId: first.body.departmentId, score: first.body.score, reasons: first.body.reasons },
        { sessionId: served.sessionId, windowId: served.window.id, siteId: served.hall.site.id, accountId: served.clerk.id, departmentId: served.hall.department.id, score: 'bad', reasons: ['wait-too-long', '态度不好'] },
      );
      assert.equal(first.body.createdAt, new Date(clock.now()).toISOString());

      const again = await served.client.post('/api/v1/terminal/ratings', { invitationId, score: 'good' });
      assertError(again, 409, 'RATING_ALREADY_SUBMITTED');
      assert.match(again.body.error.message, /已经评价过/);

      const listed = await broker.admin.get(`/api/v1/ratings?windowId=${served.window.id}`);
      assert.equal(listed.status, 200);
      assert.equal(listed.body.total, 1, 'the second submit stored nothing');
      assert.equal(listed.body.items[0].score, 'bad');

      const event = seen.find((e) => e.type === 'rating.created');
      assert.deepEqual(event?.data, { id: first.body.id, siteId: served.hall.site.id, windowId: served.window.id, score: 'bad' });
      const audit = await broker.admin.get(`/api/v1/audit-events?action=rating.create&pageSize=200`);
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      assert.ok(audit.body.items.some((a: { targetId: string }) => a.targetId === first.body.id), 'the rating is audited');
    } finally {
      unsubscribe();
    }
  });

  it('two submits at once still store one rating', async () => {
    const served = await servedSession();
    const invitationId = await invite(served.client, served.sessionId);
    const results = await Promise.all(['good', 'neutral', 'bad'].map((score) => served.client.post('/api/v1/terminal/ratings', { invitationId, score })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'RATING_ALREADY_SUBMITTED');
    const listed = await broker.admin.get(`/api/v1/ratings?windowId=${served.window.id}`);
    assert.equal(listed.body.total, 1);
  });

  it('refuses an expired invitation, another terminal\'s session and another terminal\'s invitation', async () => {
    const served = await servedSession();
    const invitationId = await invite(served.client, served.sessionId);
    const other = await f.windowWithTerminal(served.hall.site.id);
    assertError(await other.client.post('/api/v1/terminal/rating-invitations', { sessionId: served.sessionId }), 404, 'NOT_FOUND');
    assertError(await other.client.post('/api/v1/terminal/ratings', { invitationId, score: 'good' }), 404, 'NOT_FOUND');
    clock.advance(301_000);
    const expired = await served.client.post('/api/v1/terminal/ratings', { invitationId, score: 'good' });
    assertError(expired, 410, 'RATING_EXPIRED');
    assert.match(expired.body.error.message, /过期/);
  });

  it('validates the score and needs a terminal credential', async () => {
    const served = await servedSession();
    const invitationId = await invite(served.client, served.sessionId);
    assertError(await served.client.post('/api/v1/terminal/ratings', { invitationId, score: 'excellent' }), 400, 'VALIDATION_FAILED');
    assertError(await served.client.post('/api/v1/terminal/ratings', { invitationId, score: 'bad', reasons: ['x'.repeat(101)] }), 400, 'VALIDATION_FAILED');
    const anonymous = new ApiClient(broker.url);
    assertError(await anonymous.post('/api/v1/terminal/ratings', { invitationId, score: 'good' }), 401, 'TERMINAL_UNKNOWN');
    assertError(await anonymous.get('/api/v1/ratings'), 401, 'UNAUTHENTICATED');
  });

  it('an ended session cannot be rated any more', async () => {
    const served = await servedSession();
    const off = await served.client.post(`/api/v1/terminal/sessions/${served.sessionId}/logoff`);
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assertError(await served.client.post('/api/v1/terminal/rating-invitations', { sessionId: served.sessionId }), 409, 'SESSION_ENDED');
  });

  it('summarises per window, clerk and department with the satisfaction rate, filtered by time', async () => {
    const hall = await f.hall({ desktops: 3 });
    const from = new Date(clock.now()).toISOString();
    const a = await servedSession(hall);
    const b = await servedSession(hall);
    for (const [served, score] of [[a, 'good'], [a, 'good'], [a, 'bad'], [b, 'neutral']] as const) {
      const invitationId = await invite(served.client, served.sessionId);
      const res = await served.client.post('/api/v1/terminal/ratings', { invitationId, score });
      assert.equal(res.status, 201);
    }
    const byWindow = await broker.admin.get(`/api/v1/ratings/summary?groupBy=window&siteId=${hall.site.id}&from=${encodeURIComponent(from)}`);
    assert.equal(byWindow.status, 200, JSON.stringify(byWindow.body));
    const rowA = byWindow.body.items.find((i: { key: string }) => i.key === a.window.id);
    assert.deepEqual({ good: rowA.good, neutral: rowA.neutral, bad: rowA.bad, total: rowA.total, name: rowA.name }, { good: 2, neutral: 0, bad: 1, total: 3, name: a.window.code });
    assert.ok(Math.abs(rowA.satisfaction - 2 / 3) < 1e-9);
    assert.deepEqual({ ...byWindow.body.overall, goodRate: undefined, satisfaction: undefined }, { good: 2, neutral: 1, bad: 1, total: 4, goodRate: undefined, satisfaction: undefined });
    assert.equal(byWindow.body.overall.satisfaction, 0.75);
    assert.equal(byWindow.body.items[0].key, a.window.id, 'the weakest window first');

    const byDepartment = await broker.admin.get(`/api/v1/ratings/summary?groupBy=department&departmentId=${hall.department.id}`);
    assert.deepEqual(byDepartment.body.items.map((i: { key: string; total: number }) => [i.key, i.total]), [[hall.department.id, 4]]);
    const byClerk = await broker.admin.get(`/api/v1/ratings/summary?groupBy=account&accountId=${b.clerk.id}`);
    assert.deepEqual(byClerk.body.items.map((i: { name: string; neutral: number }) => [i.name, i.neutral]), [[b.clerk.displayName, 1]]);

    const later = new Date(clock.now() + 1000).toISOString();
    const none = await broker.admin.get(`/api/v1/ratings?siteId=${hall.site.id}&from=${encodeURIComponent(later)}`);
    assert.equal(none.body.total, 0, 'the from filter applies');
  });

  it('a town admin sees only the ratings of its own site', async () => {
    const county = await servedSession();
    const town = await f.site({ kind: 'town', parentId: county.hall.site.id, name: '新城镇便民服务中心' });
    const department = await f.department({ name: '镇社保' });
    const gateway = await f.gateway({ siteId: town.id });
    const pool = await f.pool(department.id, town.id, [gateway.id]);
    const desktops = [await f.desktop(pool.id)];
    const served = await servedSession({ site: town, department, gateway, pool, desktops });
    for (const s of [county, served]) {
      const res = await s.client.post('/api/v1/terminal/ratings', { invitationId: await invite(s.client, s.sessionId), score: 'good' });
      assert.equal(res.status, 201);
    }
    const admin = await f.account({ roles: ['site-admin'], homeSiteId: town.id, password: 'town-admin-pass-1' });
    const townAdmin = new ApiClient(broker.url);
    assert.equal((await townAdmin.login(admin.username, 'town-admin-pass-1')).status, 200);
    const list = await townAdmin.get('/api/v1/ratings?pageSize=500');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(list.body.items.length >= 1);
    assert.ok(list.body.items.every((r: { siteId: string }) => r.siteId === town.id), 'nothing from the county hall');
    const summary = await townAdmin.get('/api/v1/ratings/summary?groupBy=window');
    assert.deepEqual(summary.body.items.map((i: { key: string }) => i.key), [served.window.id]);
  });
});
