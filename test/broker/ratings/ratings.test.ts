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

  async function invite(client: ApiClient, sessionId: string, extra: { caseNumber?: string; itemCode?: string } = {}): Promise<string> {
    const res = await client.post('/api/v1/terminal/rating-invitations', { sessionId, ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.ok(Date.parse(res.body.expiresAt) > clock.now(), 'expires in the future');
    return res.body.id;
  }

  /** a rating of `level` (tag set version 1) */
  const rate = (level: number, more: Record<string, unknown> = {}) => ({ level, tagSetVersion: 1, ...more });

  it('records one rating per invitation: level, tags, text, case, item, window, site, clerk, department, channel and time', async () => {
    const served = await servedSession();
    const seen: LiveEvent[] = [];
    const unsubscribe = broker.events.subscribe((e) => seen.push(e));
    try {
      const invitationId = await invite(served.client, served.sessionId, { caseNumber: '3703210012026120300017', itemCode: '11370321004345009R4000111' });
      const first = await served.client.post('/api/v1/terminal/ratings', {
        invitationId,
        ...rate(2, { tags: ['wait-too-long', 'attitude'], comment: '等了一个小时' }),
      });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const { id, createdAt } = first.body;
      const rest = Object.fromEntries(Object.entries(first.body).filter(([k]) => !['id', 'invitationId', 'terminalId', 'poolId', 'createdAt'].includes(k)));
      assert.deepEqual(rest, {
        sessionId: served.sessionId,
        windowId: served.window.id,
        siteId: served.hall.site.id,
        accountId: served.clerk.id,
        departmentId: served.hall.department.id,
        level: 2,
        bad: true,
        tags: ['wait-too-long', 'attitude'],
        tagSetVersion: 1,
        comment: '等了一个小时',
        anonymous: true,
        raterName: null,
        raterPhone: null,
        excluded: false,
        caseNumber: '3703210012026120300017',
        itemCode: '11370321004345009R4000111',
        channel: 'window-device',
      });
      assert.equal(createdAt, new Date(clock.now()).toISOString());

      const again = await served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(5) });
      assertError(again, 409, 'RATING_ALREADY_SUBMITTED');
      assert.match(again.body.error.message, /已经评价过/);

      const listed = await broker.admin.get(`/api/v1/ratings?windowId=${served.window.id}`);
      assert.equal(listed.status, 200);
      assert.equal(listed.body.total, 1, 'the second submit stored nothing');
      assert.equal(listed.body.items[0].level, 2);
      const byCase = await broker.admin.get('/api/v1/ratings?caseNumber=3703210012026120300017&bad=true');
      assert.deepEqual(
        byCase.body.items.map((r: { id: string }) => r.id),
        [id],
      );

      const event = seen.find((e) => e.type === 'rating.created');
      assert.deepEqual(event?.data, { id, siteId: served.hall.site.id, windowId: served.window.id, level: 2, bad: true });
      const audit = await broker.admin.get(`/api/v1/audit-events?action=rating.create&pageSize=200`);
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      assert.ok(
        audit.body.items.some((a: { targetId: string }) => a.targetId === id),
        'the rating is audited',
      );
    } finally {
      unsubscribe();
    }
  });

  it('two submits at once still store one rating', async () => {
    const served = await servedSession();
    const invitationId = await invite(served.client, served.sessionId);
    const results = await Promise.all([5, 3, 1].map((level) => served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(level) })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'RATING_ALREADY_SUBMITTED');
    const listed = await broker.admin.get(`/api/v1/ratings?windowId=${served.window.id}`);
    assert.equal(listed.body.total, 1);
  });

  it("refuses an expired invitation, another terminal's session and another terminal's invitation", async () => {
    const served = await servedSession();
    const invitationId = await invite(served.client, served.sessionId);
    const other = await f.windowWithTerminal(served.hall.site.id);
    assertError(await other.client.post('/api/v1/terminal/rating-invitations', { sessionId: served.sessionId }), 404, 'NOT_FOUND');
    assertError(await other.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(5) }), 404, 'NOT_FOUND');
    clock.advance(301_000);
    const expired = await served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(5) });
    assertError(expired, 410, 'RATING_EXPIRED');
    assert.match(expired.body.error.message, /过期/);
  });

  it('validates the level, the tags against the level and version, the text, the rater and the case, and needs a terminal credential', async () => {
    const served = await servedSession();
    const invitationId = await invite(served.client, served.sessionId);
    assertError(await served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(6) }), 400, 'VALIDATION_FAILED');
    assertError(await served.client.post('/api/v1/terminal/ratings', { invitationId, score: 'good' }), 400, 'VALIDATION_FAILED');
    assertError(await served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(2, { comment: 'x'.repeat(301) }) }), 400, 'VALIDATION_FAILED');
    assertError(
      await served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(5, { rater: { name: '张三', phone: '12345' } }) }),
      400,
      'VALIDATION_FAILED',
    );
    const wrongLevel = await served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(5, { tags: ['wait-too-long'] }) });
    assertError(wrongLevel, 400, 'RATING_TAGS_INVALID');
    assert.match(wrongLevel.body.error.message, /评价标签/);
    assertError(
      await served.client.post('/api/v1/terminal/ratings', { invitationId, level: 2, tagSetVersion: 99, tags: ['wait-too-long'] }),
      400,
      'RATING_TAGS_INVALID',
    );
    assertError(
      await served.client.post('/api/v1/terminal/rating-invitations', { sessionId: served.sessionId, caseNumber: '办件 1' }),
      400,
      'VALIDATION_FAILED',
    );
    const named = await served.client.post('/api/v1/terminal/ratings', {
      invitationId,
      ...rate(5, { tags: ['efficient'], rater: { name: '张三', phone: '13812345678' } }),
    });
    assert.equal(named.status, 201, JSON.stringify(named.body));
    assert.deepEqual([named.body.anonymous, named.body.raterName, named.body.raterPhone, named.body.bad], [false, '张三', '138****5678', false]);
    const anonymous = new ApiClient(broker.url);
    assertError(await anonymous.post('/api/v1/terminal/ratings', { invitationId, ...rate(5) }), 401, 'TERMINAL_UNKNOWN');
    assertError(await anonymous.get('/api/v1/ratings'), 401, 'UNAUTHENTICATED');
  });

  it('an ended session cannot be rated any more', async () => {
    const served = await servedSession();
    const off = await served.client.post(`/api/v1/terminal/sessions/${served.sessionId}/logoff`);
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assertError(await served.client.post('/api/v1/terminal/rating-invitations', { sessionId: served.sessionId }), 409, 'SESSION_ENDED');
  });

  it('summarises 满意率 and 差评率 per window, clerk, department, site and item, filtered by time', async () => {
    const hall = await f.hall({ desktops: 3 });
    const from = new Date(clock.now()).toISOString();
    const a = await servedSession(hall);
    const b = await servedSession(hall);
    for (const [served, level, itemCode] of [
      [a, 5, 'ITEM-A'],
      [a, 4, 'ITEM-A'],
      [a, 1, 'ITEM-B'],
      [b, 3, 'ITEM-B'],
    ] as const) {
      const invitationId = await invite(served.client, served.sessionId, { itemCode });
      const res = await served.client.post('/api/v1/terminal/ratings', { invitationId, ...rate(level) });
      assert.equal(res.status, 201);
    }
    const byWindow = await broker.admin.get(`/api/v1/ratings/summary?groupBy=window&siteId=${hall.site.id}&from=${encodeURIComponent(from)}`);
    assert.equal(byWindow.status, 200, JSON.stringify(byWindow.body));
    const rowA = byWindow.body.items.find((i: { key: string }) => i.key === a.window.id);
    const { satisfaction, badRate, ...countsA } = rowA;
    assert.deepEqual(countsA, {
      key: a.window.id,
      name: a.window.code,
      verySatisfied: 1,
      satisfied: 1,
      basicallySatisfied: 0,
      dissatisfied: 0,
      veryDissatisfied: 1,
      total: 3,
      bad: 1,
    });
    assert.ok(Math.abs(satisfaction - 2 / 3) < 1e-9);
    assert.ok(Math.abs(badRate - 1 / 3) < 1e-9);
    assert.deepEqual(
      { ...byWindow.body.overall },
      { verySatisfied: 1, satisfied: 1, basicallySatisfied: 1, dissatisfied: 0, veryDissatisfied: 1, total: 4, bad: 1, satisfaction: 0.75, badRate: 0.25 },
    );
    assert.equal(byWindow.body.items[0].key, a.window.id, 'the weakest window first');

    const byDepartment = await broker.admin.get(`/api/v1/ratings/summary?groupBy=department&departmentId=${hall.department.id}`);
    assert.deepEqual(
      byDepartment.body.items.map((i: { key: string; total: number }) => [i.key, i.total]),
      [[hall.department.id, 4]],
    );
    const byClerk = await broker.admin.get(`/api/v1/ratings/summary?groupBy=account&accountId=${b.clerk.id}`);
    assert.deepEqual(
      byClerk.body.items.map((i: { name: string; basicallySatisfied: number }) => [i.name, i.basicallySatisfied]),
      [[b.clerk.displayName, 1]],
    );
    const byItem = await broker.admin.get(`/api/v1/ratings/summary?groupBy=item&siteId=${hall.site.id}`);
    assert.deepEqual(
      byItem.body.items.map((i: { key: string; total: number; bad: number }) => [i.key, i.total, i.bad]),
      [
        ['ITEM-B', 2, 1],
        ['ITEM-A', 2, 0],
      ],
    );
    const bySite = await broker.admin.get(`/api/v1/ratings/summary?groupBy=site&siteId=${hall.site.id}`);
    assert.deepEqual(
      bySite.body.items.map((i: { key: string; name: string; total: number }) => [i.key, i.name, i.total]),
      [[hall.site.id, hall.site.name, 4]],
    );

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
      const res = await s.client.post('/api/v1/terminal/ratings', { invitationId: await invite(s.client, s.sessionId), ...rate(5) });
      assert.equal(res.status, 201);
    }
    const admin = await f.account({ roles: ['site-admin'], homeSiteId: town.id, password: 'town-admin-pass-1' });
    const townAdmin = new ApiClient(broker.url);
    assert.equal((await townAdmin.login(admin.username, 'town-admin-pass-1')).status, 200);
    const list = await townAdmin.get('/api/v1/ratings?pageSize=500');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.ok(list.body.items.length >= 1);
    assert.ok(
      list.body.items.every((r: { siteId: string }) => r.siteId === town.id),
      'nothing from the county hall',
    );
    const summary = await townAdmin.get('/api/v1/ratings/summary?groupBy=window');
    assert.deepEqual(
      summary.body.items.map((i: { key: string }) => i.key),
      [served.window.id],
    );
  });

  it('the county edits the tag set as new versions; a card keeps the version it showed', async () => {
    const served = await servedSession();
    const shown = await served.client.post('/api/v1/terminal/rating-invitations', { sessionId: served.sessionId });
    assert.equal(shown.body.tagSet.version, 1);
    assert.ok(shown.body.tagSet.tags.some((t: { level: number; code: string }) => t.level === 2 && t.code === 'wait-too-long'));
    const tags = [
      { level: 1, code: 'rude', label: '态度恶劣' },
      { level: 5, code: 'warm', label: '热情周到' },
    ];
    const published = await broker.admin.post('/api/v1/rating-tag-sets', { tags });
    assert.equal(published.status, 201, JSON.stringify(published.body));
    assert.equal(published.body.version, 2);
    assertError(await broker.admin.post('/api/v1/rating-tag-sets', { tags: [...tags, tags[0]] }), 400, 'VALIDATION_FAILED');
    const versions = await broker.admin.get('/api/v1/rating-tag-sets');
    assert.deepEqual(
      versions.body.items.map((v: { version: number }) => v.version),
      [2, 1],
    );

    // the card opened before the edit submits against version 1; a new card gets version 2
    assert.equal((await served.client.post('/api/v1/terminal/ratings', { invitationId: shown.body.id, ...rate(2, { tags: ['wait-too-long'] }) })).status, 201);
    const next = await served.client.post('/api/v1/terminal/rating-invitations', { sessionId: served.sessionId });
    assert.deepEqual(next.body.tagSet, { version: 2, tags });
    assertError(
      await served.client.post('/api/v1/terminal/ratings', { invitationId: next.body.id, level: 2, tagSetVersion: 2, tags: ['wait-too-long'] }),
      400,
      'RATING_TAGS_INVALID',
    );
    assert.equal(
      (await served.client.post('/api/v1/terminal/ratings', { invitationId: next.body.id, level: 1, tagSetVersion: 2, tags: ['rude'] })).status,
      201,
    );

    const siteAdmin = await f.account({ roles: ['site-admin'], homeSiteId: served.hall.site.id, password: 'site-admin-pass-1' });
    const client = new ApiClient(broker.url);
    assert.equal((await client.login(siteAdmin.username, 'site-admin-pass-1')).status, 200);
    assertError(await client.post('/api/v1/rating-tag-sets', { tags }), 403, 'FORBIDDEN');
    assert.equal((await client.get('/api/v1/rating-tag-sets')).body.items.length, 2, 'a site admin reads the tag sets');
  });
});
