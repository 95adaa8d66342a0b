import assert from 'node:assert/strict';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { CalendarClock } from '../../helpers/calendar-clock.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const local = (s: string) => Date.parse(`${s}+08:00`);
const iso = (s: string) => new Date(local(s)).toISOString();
const REVIEWER_PASSWORD = 'reviewer-pass-1';

describe('差评 work orders: working-day deadlines, 回访, 整改, 申诉复核, 追评, overdue report', () => {
  let broker: TestBroker;
  let f: Factory;
  let hall: Awaited<ReturnType<Factory['hall']>>;
  let reviewer: ApiClient;
  let served: { client: ApiClient; sessionId: string };
  // Thursday 31 Dec 2026, 10:00 in the hall
  const clock = new CalendarClock(local('2026-12-31T10:00:00'));

  before(async () => {
    broker = await startTestBroker({
      clock,
      env: { YUNZHUO_RATING_VISIT_WORKING_DAYS: '1', YUNZHUO_RATING_RECTIFY_WORKING_DAYS: '3', YUNZHUO_ADMIN_SESSION_HOURS: '720' },
    });
    f = new Factory(broker.admin);
    // the county's calendar: 元旦 Fri 1 Jan and Mon 4 Jan are holidays
    for (const date of ['2027-01-01', '2027-01-04']) {
      assert.equal((await broker.admin.request('PUT', `/api/v1/calendar-days/${date}`, { kind: 'holiday', label: '元旦' })).status, 200);
    }
    hall = await f.hall({ desktops: 2 });
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const seat = await f.windowWithTerminal(hall.site.id);
    const login = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    served = { client: seat.client, sessionId: login.body.session.id };
    const account = await f.account({ roles: ['department-reviewer'], departmentIds: [hall.department.id], password: REVIEWER_PASSWORD });
    reviewer = new ApiClient(broker.url);
    assert.equal((await reviewer.login(account.username, REVIEWER_PASSWORD)).status, 200);
  });
  after(() => broker.stop());

  async function rate(level: number, tags: string[] = []): Promise<string> {
    const invitation = await served.client.post('/api/v1/terminal/rating-invitations', {
      sessionId: served.sessionId,
      caseNumber: `CASE-${level}-${clock.at}`,
    });
    const res = await served.client.post('/api/v1/terminal/ratings', { invitationId: invitation.body.id, level, tagSetVersion: 1, tags });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id;
  }
  async function orderOf(ratingId: string) {
    const list = await broker.admin.get(`/api/v1/rating-work-orders?departmentId=${hall.department.id}&pageSize=500`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    return list.body.items.find((o: { ratingId: string }) => o.ratingId === ratingId);
  }

  it('a 差评 opens an order due by the working-day calendar (holidays skipped); other levels open none', async () => {
    const bad = await rate(1, ['attitude', 'wait-too-long']);
    await rate(4);
    const order = await orderOf(bad);
    // 回访 within 1 working day: Fri 1 (holiday), weekend, Mon 4 (holiday) → Tue 5; 整改 within 3: Tue 5, Wed 6, Thu 7
    assert.deepEqual(
      {
        state: order.state,
        level: order.level,
        tags: order.tags,
        visitDueAt: order.visitDueAt,
        rectifyDueAt: order.rectifyDueAt,
        departmentId: order.departmentId,
        siteId: order.siteId,
      },
      {
        state: 'open',
        level: 1,
        tags: ['attitude', 'wait-too-long'],
        visitDueAt: iso('2027-01-06T00:00:00'),
        rectifyDueAt: iso('2027-01-08T00:00:00'),
        departmentId: hall.department.id,
        siteId: hall.site.id,
      },
    );
    const all = await broker.admin.get(`/api/v1/rating-work-orders?siteId=${hall.site.id}&pageSize=500`);
    assert.equal(all.body.total, 1, 'the 满意 opened nothing');
  });

  it("the department reviewer sees its departments' orders only, and no other admin route", async () => {
    const other = await f.account({ roles: ['department-reviewer'], departmentIds: [(await f.department()).id], password: REVIEWER_PASSWORD });
    const stranger = new ApiClient(broker.url);
    assert.equal((await stranger.login(other.username, REVIEWER_PASSWORD)).status, 200);
    const mine = await reviewer.get('/api/v1/rating-work-orders');
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.ok(mine.body.items.length >= 1 && mine.body.items.every((o: { departmentId: string }) => o.departmentId === hall.department.id));
    assert.equal((await stranger.get('/api/v1/rating-work-orders')).body.total, 0);
    assertError(await stranger.get(`/api/v1/rating-work-orders/${mine.body.items[0].id}`), 404, 'NOT_FOUND');
    assertError(await stranger.post(`/api/v1/rating-work-orders/${mine.body.items[0].id}/visit`, { note: '越权' }), 404, 'NOT_FOUND');
    assertError(await reviewer.get('/api/v1/sites'), 403, 'FORBIDDEN');
    assertError(await reviewer.get('/api/v1/ratings'), 403, 'FORBIDDEN');
    assert.deepEqual((await stranger.get('/api/v1/auth/me')).body.account.roles, ['department-reviewer']);
    assertError(await new ApiClient(broker.url).get('/api/v1/Rating-Work-Orders/'), 401, 'UNAUTHENTICATED');
    assert.equal((await stranger.post('/api/v1/auth/logout')).status, 204);
    assertError(await stranger.get('/api/v1/rating-work-orders'), 401, 'UNAUTHENTICATED');
    // a site admin cannot make a reviewer (it would read a department's orders at every site)
    const siteAdmin = await f.account({ roles: ['site-admin'], homeSiteId: hall.site.id, password: 'site-admin-pass-1' });
    const admin2 = new ApiClient(broker.url);
    assert.equal((await admin2.login(siteAdmin.username, 'site-admin-pass-1')).status, 200);
    const made = await admin2.post('/api/v1/accounts', {
      username: `rv${Date.now()}`,
      displayName: '审核',
      password: 'Reviewer-pass-9',
      homeSiteId: hall.site.id,
      roles: ['department-reviewer'],
    });
    assertError(made, 403, 'FORBIDDEN');
  });

  it('回访 on time, 整改 late: the overdue list and the per-department report say so', async () => {
    const ratingId = await rate(2, ['not-resolved']);
    const order = await orderOf(ratingId);
    assertError(await reviewer.post(`/api/v1/rating-work-orders/${order.id}/follow-up`, { level: 4 }), 409, 'WORK_ORDER_STATE');
    clock.at = local('2027-01-05T16:00:00');
    const visited = await reviewer.post(`/api/v1/rating-work-orders/${order.id}/visit`, { note: '已电话回访，群众反映等候过久' });
    assert.equal(visited.status, 200, JSON.stringify(visited.body));
    assert.deepEqual([visited.body.state, visited.body.visitedAt, visited.body.visitOverdue], ['visited', iso('2027-01-05T16:00:00'), false]);
    const followed = await reviewer.post(`/api/v1/rating-work-orders/${order.id}/follow-up`, { level: 3, comment: '回访态度很好' });
    assert.deepEqual([followed.body.followUpLevel, followed.body.followUpComment], [3, '回访态度很好']);
    assertError(await reviewer.post(`/api/v1/rating-work-orders/${order.id}/follow-up`, { level: 5 }), 409, 'WORK_ORDER_STATE');

    // one second before the end of Thu 7 nothing is late; one second after, the 整改 is
    clock.at = local('2027-01-07T23:59:59');
    assert.equal((await broker.admin.get(`/api/v1/rating-work-orders/${order.id}`)).body.rectifyOverdue, false);
    clock.at = local('2027-01-08T00:00:01');
    const overdue = await reviewer.get('/api/v1/rating-work-orders?overdue=true');
    assert.ok(overdue.body.items.some((o: { id: string; rectifyOverdue: boolean }) => o.id === order.id && o.rectifyOverdue));
    const rectified = await reviewer.post(`/api/v1/rating-work-orders/${order.id}/rectify`, { note: '增开午间窗口' });
    assert.deepEqual([rectified.body.state, rectified.body.rectifyOverdue], ['rectified', true]);

    const report = await broker.admin.get('/api/v1/rating-work-orders/report');
    assert.equal(report.status, 200, JSON.stringify(report.body));
    const row = report.body.items.find((i: { departmentId: string }) => i.departmentId === hall.department.id);
    // the first test's order was never visited: both its steps are late now
    assert.deepEqual(
      {
        total: row.total,
        open: row.open,
        visitOverdue: row.visitOverdue,
        rectifyOverdue: row.rectifyOverdue,
        rectifiedOnTime: row.rectifiedOnTime,
        onTimeRate: row.onTimeRate,
        name: row.name,
      },
      { total: 2, open: 1, visitOverdue: 1, rectifyOverdue: 2, rectifiedOnTime: 0, onTimeRate: 0, name: hall.department.name },
    );
  });

  it('申诉复核: the department appeals once, only the county decides; an excluded 差评 leaves the figures', async () => {
    const before = (await broker.admin.get(`/api/v1/ratings/summary?groupBy=department&departmentId=${hall.department.id}`)).body.overall;
    const ratingId = await rate(1, ['attitude']);
    const order = await orderOf(ratingId);
    const appealed = await reviewer.post(`/api/v1/rating-work-orders/${order.id}/appeal`, { reason: '评价人误触，当场已说明' });
    assert.equal(appealed.body.state, 'appealed');
    assertError(await reviewer.post(`/api/v1/rating-work-orders/${order.id}/review`, { decision: 'exclude', note: '自己复核' }), 403, 'FORBIDDEN');
    const reviewed = await broker.admin.post(`/api/v1/rating-work-orders/${order.id}/review`, { decision: 'exclude', note: '监控核实为误触' });
    assert.deepEqual([reviewed.body.state, reviewed.body.reviewDecision], ['excluded', 'exclude']);
    const after = (await broker.admin.get(`/api/v1/ratings/summary?groupBy=department&departmentId=${hall.department.id}`)).body.overall;
    assert.equal(after.total, before.total, 'the excluded 差评 is out of the figures');
    const listed = await broker.admin.get(`/api/v1/ratings?level=1&departmentId=${hall.department.id}`);
    assert.ok(
      listed.body.items.some((r: { id: string; excluded: boolean }) => r.id === ratingId && r.excluded),
      'still listed, marked',
    );

    // an appeal the county refuses puts the order back where it was; a second appeal is refused
    const kept = await orderOf(await rate(2));
    await reviewer.post(`/api/v1/rating-work-orders/${kept.id}/appeal`, { reason: '不是本窗口办理' });
    const refused = await broker.admin.post(`/api/v1/rating-work-orders/${kept.id}/review`, { decision: 'keep', note: '查无实据' });
    assert.equal(refused.body.state, 'open');
    assertError(await reviewer.post(`/api/v1/rating-work-orders/${kept.id}/appeal`, { reason: '再次申诉' }), 409, 'WORK_ORDER_STATE');
    const audit = await broker.admin.get(`/api/v1/audit-events?targetId=${kept.id}&pageSize=50`);
    assert.deepEqual(audit.body.items.map((a: { action: string }) => a.action).sort(), ['rating-work-order.appeal', 'rating-work-order.review']);
  });
});
