// The admin console in a real Chromium against a real broker: sign-in in Chinese, provisioning
// through the UI, CSV import preview, the live hall map, forced logoff, scoping of a town admin.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConsoleHarness, textMatching } from '../console/harness.js';
import { ApiClient } from '../helpers/api-client.js';
import { eventually } from '../helpers/eventually.js';

/** the promise: the hall map shows a login within a second, without a reload */
const LIVE_BUDGET_MS = 1000;

async function fillForm(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values))
    await page.fill(`[data-testid=entity-form] [name=${name}], [data-testid=pool-form] [name=${name}], [data-testid=desktop-form] [name=${name}]`, value);
}

describe('console (Chromium, real broker)', function () {
  this.timeout(120_000);
  let h: ConsoleHarness;

  before(async function () {
    h = await ConsoleHarness.start();
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(function () {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('is Chinese by default, signs in, and remembers an English switch', async () => {
    const { context, page } = await h.newPage();
    await page.goto(`${h.url}/`);
    await page.getByTestId('login-form').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await textMatching(page.locator('h1'), /登录管理控制台/);
    await h.shot(page, 'login');

    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    const error = page.locator('.error-view');
    await error.waitFor();
    await textMatching(error, /账号或密码错误[\s\S]*INVALID_CREDENTIALS/, 'the Chinese message with its code');

    await h.login(page);
    assert.match(page.url(), /\/console\/?$/);
    await textMatching(page.locator('.sidebar'), /总览[\s\S]*大厅实况[\s\S]*审计日志/);
    await page.getByTestId('page-overview').waitFor();

    await page.selectOption('[data-testid=lang-switch]', 'en');
    await page.locator('.nav-item', { hasText: 'Hall map' }).waitFor();
    await page.reload();
    await page.locator('.nav-item', { hasText: 'Hall map' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.selectOption('[data-testid=lang-switch]', 'zh-CN');
    await page.locator('.nav-item', { hasText: '大厅实况' }).waitFor();
    await context.close();
  });

  it('a sign-in held after too many wrong passwords says how long to wait, in Chinese', async () => {
    const victim = await h.broker.admin.create('/api/v1/accounts', {
      username: `held${Date.now().toString(36)}`,
      displayName: '被猜测的账号',
      password: 'Held-pass-2026',
      roles: ['auditor'],
    });
    for (let i = 0; i < 5; i++) assert.equal((await new ApiClient(h.url).login(victim.username, `guess-${i}`)).status, 401);
    const { context, page } = await h.newPage();
    await page.goto(`${h.url}/console/`);
    await page.getByTestId('login-form').waitFor();
    await page.fill('input[name=username]', victim.username);
    await page.fill('input[name=password]', 'Held-pass-2026');
    await page.click('button[type=submit]');
    const error = page.locator('.error-view');
    await error.waitFor();
    await textMatching(error, /登录失败次数过多，请 15 分钟后再试[\s\S]*TOO_MANY_ATTEMPTS/);
    await context.close();
  });

  it('creates a site, department, gateway, pool and desktop through the UI', async () => {
    const { context, page } = await h.newPage();
    await h.login(page);
    const stamp = Date.now().toString(36).toUpperCase();

    await h.open(page, '/sites', 'page-sites');
    await page.getByTestId('create').click();
    await fillForm(page, { code: `HT${stamp}`, name: `桓台县政务服务中心${stamp}` });
    await page.selectOption('[data-testid=entity-form] [name=kind]', 'county');
    await page.getByTestId('form-submit').click();
    await page.getByText(`桓台县政务服务中心${stamp}`).first().waitFor();

    await h.open(page, '/departments', 'page-departments');
    await page.getByTestId('create').click();
    await fillForm(page, { code: `TAX${stamp}`, name: `税务局${stamp}` });
    await page.getByTestId('form-submit').click();
    await page.getByText(`税务局${stamp}`).first().waitFor();

    await h.open(page, '/gateways', 'page-gateways');
    await page.getByTestId('create').click();
    await fillForm(page, { name: `guacd-${stamp}`, host: '10.8.0.2', port: '4822' });
    await page.getByTestId('form-submit').click();
    await page.getByText(`guacd-${stamp}`).first().waitFor();

    await h.open(page, '/pools', 'page-pools');
    await page.getByTestId('create-pool').click();
    const form = page.getByTestId('pool-form');
    await form.locator('[name=name]').fill(`税务浮动池${stamp}`);
    await form.locator('[name=departmentId]').selectOption({ label: `税务局${stamp}（TAX${stamp}）` });
    await form.locator('[name=siteId]').selectOption({ label: `桓台县政务服务中心${stamp}（HT${stamp}）` });
    await form
      .locator('label', { hasText: `guacd-${stamp}` })
      .locator('input')
      .check();
    await form.locator('[name=s_width]').fill('1600');
    await form.locator('[name=drive_on]').check(); // 窗口材料盘 with its defaults (docs/PAPER.md)
    await page.getByTestId('form-submit').click();
    await page.getByTestId('desktops-panel').waitFor();

    await page.getByTestId('create-desktop').click();
    await fillForm(page, { name: `TAX-VD-${stamp}`, host: '10.8.1.21', rdpUsername: 'clerk01', rdpPassword: 'Rdp-secret-1!' });
    await page.getByTestId('form-submit').click();
    await page.getByTestId('desktops-table').getByText(`TAX-VD-${stamp}`).waitFor();
    await h.shot(page, 'pools');

    const pools = await h.broker.admin.get(`/api/v1/pools?pageSize=500`);
    const pool = pools.body.items.find((p: { name: string }) => p.name === `税务浮动池${stamp}`);
    assert.ok(pool, 'the pool exists');
    assert.equal(pool.settings.width, 1600, 'pool settings were sent');
    assert.deepEqual(pool.settings.drive, { upload: true, download: false, maxBytes: 20 * 1024 * 1024, types: ['image/jpeg', 'image/png', 'application/pdf'] });
    assert.equal(pool.gatewayIds.length, 1);
    const desktops = await h.broker.admin.get(`/api/v1/desktops?poolId=${pool.id}`);
    assert.equal(desktops.body.total, 1);
    assert.equal(desktops.body.items[0].host, '10.8.1.21');
    await context.close();
  });

  it('previews a windows CSV with one bad row, flags it in red, and applies nothing', async () => {
    const site = await h.factory.site({ code: 'IMPT', name: '导入测试中心' });
    const csv = [
      'site_code,code,label,area,pos_x,pos_y',
      'IMPT,A-001,综合受理1,A区,0,0',
      'IMPT,A-002,综合受理2,A区,1,0',
      'NOPE,A-003,不存在的站点,A区,2,0',
      'IMPT,A-004,综合受理4,A区,3,0',
    ].join('\n');
    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/windows', 'page-windows');
    await page.getByTestId('open-import').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'windows.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-report').waitFor();

    const bad = page.locator('[data-testid=import-rows] tr.row-bad');
    assert.equal(await bad.count(), 1, 'exactly one row is flagged');
    await textMatching(bad, /NOPE\/A-003[\s\S]*找不到站点/);
    const background = await bad
      .locator('td')
      .first()
      .evaluate((td) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(td).backgroundColor);
    assert.notEqual(background, 'rgba(0, 0, 0, 0)', 'the bad row is tinted');
    assert.equal(await page.locator('[data-testid=import-rows] tbody tr').count(), 4);
    await page.getByTestId('import-blocked').waitFor();
    assert.equal(await page.getByTestId('import-apply').isDisabled(), true, 'apply is not offered');
    await h.shot(page, 'import');

    const windows = await h.broker.admin.get(`/api/v1/windows?siteId=${site.id}`);
    assert.equal(windows.body.total, 0, 'nothing was applied');
    await context.close();
  });

  it('turns a window "in use" within 1 s of a clerk login, and a forced logoff ends the session', async () => {
    const { site, department, pool } = await h.factory.hall({ desktops: 2 });
    for (let x = 0; x < 6; x++) await h.factory.window(site.id, { code: `B-${String(x + 1).padStart(3, '0')}`, posX: x, posY: 1, departmentId: department.id });
    const { window, client } = await h.factory.windowWithTerminal(site.id, { code: 'A-012', posX: 2, posY: 0, departmentId: department.id });
    const clerk = await h.factory.account({ displayName: '王晓梅', poolIds: [pool.id], departmentIds: [department.id], homeSiteId: site.id });

    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, `/hall/${site.id}`, 'page-hall');
    await page.locator('[data-testid=live-status][data-status=open]').waitFor();
    const tile = page.locator(`[data-window-code="${window.code}"]`);
    await tile.waitFor();
    assert.equal(await tile.getAttribute('data-state'), 'offline', 'a terminal that never connected is offline');

    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const loggedInAt = Date.now();
    await page.waitForSelector(`[data-window-code="${window.code}"][data-state="in-use"]`, { timeout: LIVE_BUDGET_MS });
    const elapsed = Date.now() - loggedInAt;
    assert.ok(elapsed <= LIVE_BUDGET_MS, `in use after ${elapsed} ms`);
    await textMatching(tile, /王晓梅/);

    await tile.hover();
    const tooltip = page.getByRole('tooltip');
    await textMatching(tooltip, new RegExp(`王晓梅[\\s\\S]*${department.name}`), 'hover names the clerk and department');
    await h.shot(page, 'hall');

    await tile.click();
    const panel = page.getByTestId('window-panel');
    await panel.getByTestId('window-session').waitFor();
    await h.shot(page, 'hall-window');
    await panel.getByTestId('force-end').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();

    const sessionId: string = login.body.session.id;
    await eventually(async () => {
      const s = await h.broker.admin.get(`/api/v1/sessions/${sessionId}`);
      assert.equal(s.body.state, 'ended');
      assert.equal(s.body.endReason, 'ended-by-admin');
      return true;
    });
    await page.waitForSelector(`[data-window-code="${window.code}"][data-state="offline"]`, { timeout: 2000 });
    await context.close();
  });

  it('shows a town site-admin only the town', async () => {
    const county = await h.factory.site({ code: 'CTY', name: '县政务服务中心', kind: 'county' });
    const town = await h.factory.site({ code: 'TWN', name: '果里镇便民服务中心', kind: 'town', parentId: county.id });
    await h.factory.window(county.id, { code: 'C-001' });
    await h.factory.window(town.id, { code: 'T-001' });
    await h.factory.account({ username: 'guoli-admin', displayName: '果里镇管理员', password: 'town-pass-123', roles: ['site-admin'], homeSiteId: town.id });

    const { context, page } = await h.newPage();
    await h.login(page, 'guoli-admin', 'town-pass-123');
    await h.open(page, '/sites', 'page-sites');
    const rows = page.locator('[data-testid=page-sites-table] tbody tr');
    await rows.first().waitFor();
    assert.deepEqual(await rows.locator('td:nth-child(2)').allInnerTexts(), ['果里镇便民服务中心']);
    await h.shot(page, 'sites-town-admin');

    await h.open(page, '/hall', 'page-hall');
    await page.locator('[data-window-code="T-001"]').waitFor();
    assert.deepEqual(
      (await page.locator('[data-testid=hall-site] option').allInnerTexts()).map((s) => s.trim()),
      ['果里镇便民服务中心'],
    );
    assert.equal(await page.locator('[data-window-code="C-001"]').count(), 0);

    await h.open(page, '/', 'page-overview');
    const tree = await page.getByTestId('site-tree').innerText();
    assert.match(tree, /果里镇便民服务中心/);
    assert.doesNotMatch(tree, /县政务服务中心/);
    await context.close();
  });

  it('shows an auditor no write buttons', async () => {
    await h.factory.account({ username: 'shenji', displayName: '审计员', password: 'audit-pass-123', roles: ['auditor'] });
    const { context, page } = await h.newPage();
    await h.login(page, 'shenji', 'audit-pass-123');
    for (const [route, id] of [
      ['/windows', 'page-windows'],
      ['/accounts', 'page-accounts'],
      ['/pools', 'page-pools'],
    ] as const) {
      await h.open(page, route, id);
      await page.locator('.data-table').first().waitFor();
      assert.equal(await page.locator('[data-testid=create], [data-testid=create-pool], [data-testid=open-import]').count(), 0, `${route}: no create/import`);
      assert.equal(await page.getByRole('button', { name: '编辑' }).count(), 0, `${route}: no edit`);
    }
    await context.close();
  });

  it('keeps the API client honest: a write without the CSRF header is refused', async () => {
    // the console sends x-csrf-token from the yz_csrf cookie; without it the broker says CSRF_FAILED
    const client = new ApiClient(h.url);
    await client.login('admin', 'admin-pass-1234');
    client.csrf = '';
    const res = await client.post('/api/v1/sites', { code: 'NOCSRF', name: '无令牌' });
    assert.equal(res.body.error.code, 'CSRF_FAILED');
  });
});
