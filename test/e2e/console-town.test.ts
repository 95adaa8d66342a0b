// Issue 17 item 4, in Chromium: a town's site-admin works with the county's departments (reads
// them, builds a pool and gives a clerk one) and sees names, never raw ids, on hall tiles and as
// the parent site. Screenshots: test/e2e/artifacts/console-town-*.png.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConsoleHarness, textMatching } from '../console/harness.js';

const TOWN_ADMIN = { username: 'suozhen-admin', password: 'Town-pass-2026' };
/** 8 hex digits in a row: how a raw id showed (`d518493f`) */
const RAW_ID = /\b[0-9a-f]{8}\b/;

describe('console: a town site-admin and the county departments (Chromium)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let page: Page;
  let townId = '';

  before(async () => {
    h = await ConsoleHarness.start();
    const f = h.factory;
    const county = await f.site({ code: 'HT', name: '桓台县政务服务中心' });
    const town = await f.site({ code: 'SZ', name: '索镇便民服务中心', kind: 'town', parentId: county.id });
    townId = town.id;
    const rsj = await f.department({ code: 'RSJ', name: '人社局', siteId: county.id });
    await f.department({ code: 'YBJ', name: '医保局', siteId: county.id });
    await f.gateway({ name: '索镇 guacd', siteId: town.id });
    for (const code of ['01', '02']) await f.windowWithTerminal(town.id, { code, departmentId: rsj.id, posX: Number(code) - 1, posY: 0 });
    await f.account({ ...TOWN_ADMIN, displayName: '索镇管理员', roles: ['site-admin'], homeSiteId: town.id });
    page = (await h.newPage()).page;
    await h.login(page, TOWN_ADMIN.username, TOWN_ADMIN.password);
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('lists the county departments, read-only', async () => {
    await h.open(page, '/departments', 'page-departments');
    await page.locator('.data-table').getByText('人社局').waitFor();
    await textMatching(page.locator('.data-table'), /医保局/);
    await h.shot(page, 'town-departments');
  });

  it('names the parent site instead of its id', async () => {
    await h.open(page, '/sites', 'page-sites');
    const row = page.locator('.data-table tr', { hasText: '索镇便民服务中心' });
    await row.waitFor();
    await textMatching(row, /桓台县政务服务中心/);
    assert.doesNotMatch(await page.locator('.data-table').innerText(), RAW_ID);
    await h.shot(page, 'town-sites');
  });

  it('builds a pool of a county department and gives a clerk that department', async () => {
    await h.open(page, '/pools', 'page-pools');
    await page.getByTestId('create-pool').click();
    const form = page.getByTestId('pool-form');
    await form.locator('[name=name]').fill('索镇人社桌面池');
    await form.locator('[name=departmentId]').selectOption({ label: '人社局（RSJ）' });
    await form.locator('[name=siteId]').selectOption({ label: '索镇便民服务中心（SZ）' });
    await form.locator('label', { hasText: '索镇 guacd' }).locator('input').check();
    await page.getByTestId('form-submit').click();
    await page.getByTestId('desktops-panel').waitFor();
    const pools = await h.broker.admin.get('/api/v1/pools?pageSize=50');
    assert.ok(pools.body.items.some((p: { name: string; siteId: string }) => p.name === '索镇人社桌面池' && p.siteId === townId));
    await h.open(page, '/pools', 'page-pools');
    // the department's name replaces its id once the departments list is in
    const row = page.locator('.data-table tr', { hasText: '索镇人社桌面池' });
    await row.filter({ hasText: '人社局' }).waitFor();
    await textMatching(row, /人社局/);
    await h.shot(page, 'town-pools');

    const clerk = await h.factory.account({ username: 'suozhen1', displayName: '王芳', homeSiteId: townId });
    await h.open(page, '/accounts', 'page-accounts');
    await page.locator('.data-table tr', { hasText: 'suozhen1' }).getByRole('button', { name: '编辑' }).click();
    await page.locator('label', { hasText: '人社局' }).locator('input').check();
    await page.getByTestId('form-submit').click();
    await page.locator('.data-table tr', { hasText: 'suozhen1' }).getByText('人社局').waitFor();
    const after = await h.broker.admin.get(`/api/v1/accounts/${clerk.id}`);
    assert.equal(after.body.departmentIds.length, 1);
    await h.shot(page, 'town-accounts');
  });

  it('names the department on the hall tiles', async () => {
    await h.open(page, `/hall/${townId}`, 'page-hall');
    const tile = page.locator('[data-window-code="01"]');
    await tile.waitFor();
    await textMatching(tile, /人社局/);
    assert.doesNotMatch(await page.getByTestId('hall-map').innerText(), RAW_ID);
    await h.shot(page, 'town-hall');
  });
});
