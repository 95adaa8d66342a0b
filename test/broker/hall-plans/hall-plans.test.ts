// Hall map from a floor plan (issue 17): upload a plan per site or hall area, place windows as
// fractions of the image, scoped like every site row, audited; SVG and oversize plans refused.
import assert from 'node:assert/strict';
import { PLAN_MAX_BYTES } from '@yunzhuo/protocol/api/hall-plans';
import { readPlanImage } from '../../../broker/src/hall-plans/plan-image.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { floorPlanPng, jpegHead, SVG_PLAN } from '../../helpers/plan-image.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

describe('hall plans: upload, placement, scope (issue 17)', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let f: Factory;
  let county: { id: string };
  let town: { id: string };
  let townAdmin: ApiClient;

  const upload = (client: ApiClient, siteId: string, bytes: Buffer, area = '', contentType = 'image/png') =>
    client.request('PUT', `/api/v1/hall-plans/image?siteId=${siteId}${area ? `&area=${encodeURIComponent(area)}` : ''}`, undefined, {
      raw: bytes,
      contentType,
    });

  before(async () => {
    broker = await startTestBroker();
    f = new Factory(broker.admin);
    county = await f.site({ code: 'PLAN-C', name: '县中心' });
    town = await f.site({ code: 'PLAN-T', name: '镇中心', kind: 'town', parentId: county.id });
    await f.account({ username: 'plan-town', roles: ['site-admin'], homeSiteId: town.id, password: 'Town-plan-2026' });
    townAdmin = new ApiClient(broker.url);
    assert.equal((await townAdmin.login('plan-town', 'Town-plan-2026')).status, 200);
  });
  after(() => broker?.stop());

  it('reads the size of a PNG and a JPEG from their bytes, and refuses SVG, other data and giant sides', () => {
    assert.deepEqual(readPlanImage(floorPlanPng(40, 30)), { contentType: 'image/png', width: 40, height: 30 });
    assert.deepEqual(readPlanImage(jpegHead(1024, 768)), { contentType: 'image/jpeg', width: 1024, height: 768 });
    assert.deepEqual(readPlanImage(SVG_PLAN), { refused: 'svg' });
    assert.deepEqual(readPlanImage(Buffer.from('  <svg onload="x()"/>')), { refused: 'svg' });
    assert.deepEqual(readPlanImage(Buffer.from('GIF89a......')), { refused: 'not-an-image' });
    assert.deepEqual(readPlanImage(jpegHead(1024, 768).subarray(0, 12)), { refused: 'unreadable' });
    assert.deepEqual(readPlanImage(jpegHead(20_000, 10)), { refused: 'too-large-side' });
  });

  it('stores a PNG plan of the county, serves the same bytes as image/png with nosniff, audits the upload, replaces it in place', async () => {
    const png = floorPlanPng(800, 500);
    const res = await upload(broker.admin, county.id, png);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      [res.body.siteId, res.body.area, res.body.contentType, res.body.width, res.body.height, res.body.bytes],
      [county.id, null, 'image/png', 800, 500, png.length],
    );
    const image = await fetch(broker.url + res.body.imageUrl, { headers: { cookie: [...broker.admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(Buffer.from(await image.arrayBuffer()).equals(png));

    const again = await upload(broker.admin, county.id, floorPlanPng(400, 250));
    assert.equal(again.body.id, res.body.id, 'one plan per site and area');
    assert.equal(again.body.width, 400);
    const audit = (await broker.admin.get(`/api/v1/audit-events?action=hall-plan.upload&targetId=${res.body.id}`)).body.items;
    assert.equal(audit.length, 2);
    assert.deepEqual([audit[0].before?.width, audit[0].after?.width], [800, 400]);
  });

  it('refuses an SVG even when labelled image/png, data that is no image, and a plan over the size limit; nothing is stored', async () => {
    assertError(await upload(broker.admin, county.id, SVG_PLAN, 'SVG区', 'image/png'), 415, 'PLAN_IMAGE_UNSUPPORTED');
    assertError(await upload(broker.admin, county.id, SVG_PLAN, 'SVG区', 'image/svg+xml'), 415, 'PLAN_IMAGE_UNSUPPORTED');
    assertError(await upload(broker.admin, county.id, Buffer.from('hello'), 'SVG区'), 415, 'PLAN_IMAGE_UNSUPPORTED');
    assertError(await upload(broker.admin, county.id, Buffer.concat([floorPlanPng(10, 10), Buffer.alloc(PLAN_MAX_BYTES)]), 'SVG区'), 413, 'PAYLOAD_TOO_LARGE');
    const plans = (await broker.admin.get(`/api/v1/hall-plans?siteId=${county.id}`)).body.items;
    assert.deepEqual(
      plans.map((p: { area: string | null }) => p.area),
      [null],
    );
  });

  it('places windows as fractions; a window of another area or site is refused; the window list shows the place; one audit row', async () => {
    const plan = (await upload(broker.admin, county.id, jpegHead(1600, 900), '东区', 'image/jpeg')).body;
    assert.equal(plan.area, '东区');
    const east = await f.window(county.id, { code: 'E-01', area: '东区' });
    const west = await f.window(county.id, { code: 'W-01', area: '西区' });
    const townWindow = await f.window(town.id, { code: 'T-01', area: '东区' });
    const place = (body: unknown, client = broker.admin) => client.request('PUT', `/api/v1/hall-plans/${plan.id}/placements`, body);

    const ok = await place({ placements: [{ windowId: east.id, planX: 0.25, planY: 0.5 }] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const shown = (await broker.admin.get(`/api/v1/windows/${east.id}`)).body;
    assert.deepEqual([shown.planX, shown.planY], [0.25, 0.5]);
    assertError(await place({ placements: [{ windowId: west.id, planX: 0.1, planY: 0.1 }] }), 400, 'VALIDATION_FAILED');
    assertError(await place({ placements: [{ windowId: townWindow.id, planX: 0.1, planY: 0.1 }] }), 400, 'VALIDATION_FAILED');
    assertError(await place({ placements: [{ windowId: east.id, planX: 1.5, planY: 0.1 }] }), 400, 'VALIDATION_FAILED');
    assertError(await place({ placements: [{ windowId: east.id, planX: 0.5, planY: null }] }), 400, 'VALIDATION_FAILED');
    assert.deepEqual([(await broker.admin.get(`/api/v1/windows/${west.id}`)).body.planX], [null], 'a refused batch changes nothing');

    const [row] = (await broker.admin.get(`/api/v1/audit-events?action=hall-plan.place&targetId=${plan.id}`)).body.items;
    assert.deepEqual(row.after.windows, [{ code: 'E-01', planX: 0.25, planY: 0.5 }]);
    assert.deepEqual(row.before.windows, [{ code: 'E-01', planX: null, planY: null }]);
    assert.equal(row.targetLabel, '平面图（东区）', 'the audit page names the plan');
  });

  it("a town's site-admin uploads and places on its own site only; the county's plans are invisible to it", async () => {
    const own = await upload(townAdmin, town.id, floorPlanPng(300, 200));
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assertError(await upload(townAdmin, county.id, floorPlanPng(300, 200)), 404, 'NOT_FOUND');
    const visible = (await townAdmin.get('/api/v1/hall-plans')).body.items;
    assert.deepEqual(
      visible.map((p: { siteId: string }) => p.siteId),
      [town.id],
    );
    const countyPlan = (await broker.admin.get(`/api/v1/hall-plans?siteId=${county.id}`)).body.items[0];
    assertError(await townAdmin.get(`/api/v1/hall-plans/${countyPlan.id}/image`), 404, 'NOT_FOUND');
    const w = await f.window(town.id, { code: 'T-02' });
    const placed = await townAdmin.request('PUT', `/api/v1/hall-plans/${own.body.id}/placements`, { placements: [{ windowId: w.id, planX: 0.5, planY: 0.5 }] });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    assertError(
      await townAdmin.request('PUT', `/api/v1/hall-plans/${countyPlan.id}/placements`, { placements: [{ windowId: w.id, planX: 0.5, planY: 0.5 }] }),
      404,
      'NOT_FOUND',
    );
    assert.equal((await townAdmin.delete(`/api/v1/hall-plans/${own.body.id}`)).status, 204);
    assert.equal((await broker.admin.get(`/api/v1/audit-events?action=hall-plan.delete&targetId=${own.body.id}`)).body.items.length, 1);
  });
});
