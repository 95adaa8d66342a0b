// Hall map from a floor plan and wall mode (issue 17), in Chromium: upload a plan, drag windows
// onto it (from the tray and again on the plan), reload and find them where they were dropped;
// then the wall screen: no console chrome, live tile states, turning between sites, open to an
// auditor. Screenshots: test/e2e/artifacts/console-hall-plan-editor.png, console-hall-plan.png,
// console-wall.png, console-wall-town.png.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { AgentProcess } from '../agent/agent-kit.js';
import { ConsoleHarness } from '../console/harness.js';
import { eventually } from '../helpers/eventually.js';
import { floorPlanPng } from '../helpers/plan-image.js';

/** the page's side (this project's Node tsconfig has no DOM library) */
type PlanPage = { document: { querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }> } };

/** drags from the centre of `from` to the fraction (fx, fy) of the plan's drawing area, in small steps like a hand */
async function dragTo(page: Page, from: { x: number; y: number }, fx: number, fy: number): Promise<void> {
  const box = (await page.locator('.plan-area').boundingBox())!;
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 12 });
  await page.mouse.up();
}

async function centreOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const b = (await page.locator(selector).boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** where a tile is drawn, as fractions of the plan (its centre) */
async function tileFraction(page: Page, code: string): Promise<[number, number]> {
  const area = (await page.locator('.plan-area').boundingBox())!;
  const tile = (await page.locator(`.plan-tile[data-window-code="${code}"]`).boundingBox())!;
  return [(tile.x + tile.width / 2 - area.x) / area.width, (tile.y + tile.height / 2 - area.y) / area.height];
}

describe('console: hall map from a floor plan, and wall mode (issue 17)', function () {
  this.timeout(240_000);
  let h: ConsoleHarness;
  let agent: AgentProcess | undefined;
  let site: { id: string };
  let town: { id: string };
  const windows: Record<string, { id: string }> = {};

  before(async () => {
    h = await ConsoleHarness.start();
    site = await h.factory.site({ code: 'PLAN-UI', name: '县政务服务中心' });
    town = await h.factory.site({ code: 'PLAN-UI-T', name: '城关镇便民服务中心', kind: 'town', parentId: site.id });
    for (const code of ['A-01', 'A-02', 'A-03', 'A-04', 'B-01', 'B-02'])
      windows[code] = await h.factory.window(site.id, { code, area: code[0] === 'A' ? 'A区' : 'B区' });
    for (const code of ['T-01', 'T-02']) await h.factory.window(town.id, { code });
    // A-01 has a thin client that is online (free); A-02 one that never connected (offline)
    const token = (await h.broker.admin.create('/api/v1/join-tokens', { siteId: site.id, maxUses: 1 })).token as string;
    agent = await AgentProcess.start(h.url, { joinToken: token, name: '终端A-01' });
    const id = await agent.terminalId(30_000);
    assert.equal((await h.broker.admin.patch(`/api/v1/terminals/${id}`, { windowId: windows['A-01']!.id })).status, 200);
    await eventually(async () => (await h.broker.admin.get(`/api/v1/terminals/${id}`)).body.online === true, { timeoutMs: 30_000 });
    await h.factory.terminal(site.id, windows['A-02']!.id, { name: '终端A-02' });
  });
  after(async () => {
    await agent?.dispose();
    await h?.stop();
  });

  it('uploads a plan, drags windows from the tray and on the plan; after a reload each is where it was dropped', async () => {
    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, `/hall/${site.id}`, 'page-hall');
    await page.getByTestId('hall-edit-plan').click();
    await page.getByTestId('plan-toolbar').waitFor();
    await page.getByTestId('plan-file').setInputFiles({ name: '大厅平面图.png', mimeType: 'image/png', buffer: floorPlanPng(1200, 700) });
    await page.getByTestId('plan-map').waitFor();
    // a function, not a string: the console's CSP forbids eval, which Playwright uses to poll a string
    await page.waitForFunction(() =>
      [...(globalThis as unknown as PlanPage).document.querySelectorAll('img.plan-image')].every((i) => i.complete && i.naturalWidth > 0),
    );
    const tray = page.getByTestId('plan-tray');
    assert.equal(await tray.locator('.plan-chip').count(), 6, 'every window of the site waits in the tray');

    const drops: Record<string, [number, number]> = {
      'A-01': [0.2, 0.12],
      'A-02': [0.35, 0.12],
      'A-03': [0.5, 0.12],
      'B-01': [0.3, 0.75],
      'B-02': [0.55, 0.75],
    };
    for (const [code, [fx, fy]] of Object.entries(drops)) {
      const saved = page.waitForResponse((r) => r.url().includes('/placements') && r.request().method() === 'PUT');
      await dragTo(page, await centreOf(page, `.plan-chip[data-window-code="${code}"]`), fx, fy);
      assert.equal((await saved).status(), 200);
      await page.locator(`.plan-tile[data-window-code="${code}"]`).waitFor();
    }
    // a placed tile moved again on the plan
    const moved = page.waitForResponse((r) => r.url().includes('/placements') && r.request().method() === 'PUT');
    await dragTo(page, await centreOf(page, '.plan-tile[data-window-code="A-03"]'), 0.7, 0.3);
    assert.equal((await moved).status(), 200);
    drops['A-03'] = [0.7, 0.3];
    assert.deepEqual(await tray.locator('.plan-chip').allInnerTexts(), ['A-04'], 'the window not dropped stays in the tray');
    await h.shot(page, 'hall-plan-editor');

    await page.reload();
    await page.getByTestId('plan-map').waitFor();
    for (const [code, [fx, fy]] of Object.entries(drops)) {
      const [x, y] = await tileFraction(page, code);
      assert.ok(Math.abs(x - fx) < 0.01 && Math.abs(y - fy) < 0.01, `${code} drawn at ${x.toFixed(3)},${y.toFixed(3)}, dropped at ${fx},${fy}`);
      const w = (await h.broker.admin.get(`/api/v1/windows/${windows[code]!.id}`)).body;
      assert.ok(Math.abs(w.planX - fx) < 0.01 && Math.abs(w.planY - fy) < 0.01, `${code} stored at ${w.planX},${w.planY}`);
    }
    assert.equal(await page.locator('.plan-tile[data-window-code="A-01"]').getAttribute('data-state'), 'free');
    assert.equal(await page.locator('.plan-tile[data-window-code="A-02"]').getAttribute('data-state'), 'offline');
    assert.equal(await page.locator('.plan-tile[data-window-code="A-04"]').count(), 0, 'an unplaced window is not drawn on the plan');
    await h.shot(page, 'hall-plan');

    const audit = (await h.broker.admin.get(`/api/v1/audit-events?action=hall-plan.place&pageSize=50`)).body.items;
    assert.equal(audit.length, 6, 'one audit row per drop');
    assert.equal((await h.broker.admin.get('/api/v1/audit-events?action=hall-plan.upload')).body.items.length, 1);
    assert.deepEqual(h.pageErrors.splice(0), []);
    await context.close();
  });

  it('wall mode: no console chrome, large live tiles that change with live events, turns to the next site, open to an auditor', async () => {
    await h.factory.account({ username: 'wall-auditor', displayName: '指挥中心', roles: ['auditor'], password: 'Wall-screen-2026' });
    const { context, page } = await h.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await h.login(page, 'wall-auditor', 'Wall-screen-2026');
    // the terminals' answer held back: the wall says it is loading, never draws a tile in a state it does not know yet
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (u) => u.pathname === '/api/v1/terminals',
      async (route) => {
        await held;
        await route.continue();
      },
    );
    await page.goto(`${h.url}/console/wall?site=${site.id}&site=${town.id}&rotate=8`);
    await page.getByTestId('page-wall').waitFor();
    await page.getByTestId('wall-loading').waitFor();
    assert.equal(await page.locator('.plan-tile, .window-tile').count(), 0, 'no tile before the terminals are known');
    assert.equal(await page.locator('[data-testid=wall-counts] b[data-state=free]').innerText(), '—');
    release();
    assert.equal(await page.locator('nav, .sidebar, [data-testid=current-user]').count(), 0, 'no console chrome on the wall');
    await page.locator('[data-testid=live-status][data-status=open]').waitFor();
    await page.getByTestId('plan-map').waitFor();
    assert.equal(await page.getByTestId('wall-site').innerText(), '县政务服务中心');
    assert.equal(await page.locator('.plan-tile[data-window-code="A-01"]').getAttribute('data-state'), 'free');
    assert.equal(await page.locator('.plan-tile[data-window-code="A-03"]').getAttribute('data-state'), 'no-terminal');
    const fontPx = await page
      .locator('.plan-tile[data-window-code="A-01"] .tile-code')
      .evaluate((e) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(e).fontSize));
    assert.ok(fontPx >= 18, `large type on the wall (${fontPx}px)`);

    // a thin client registered at A-03 reaches the wall through the live feed, without a reload
    await h.factory.terminal(site.id, windows['A-03']!.id, { name: '终端A-03' });
    await page.locator('.plan-tile[data-window-code="A-03"][data-state=offline]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-state=offline]').first().count(), 1);
    await h.shot(page, 'wall');

    // the second site has no plan: its windows on the grid, after the turn
    await eventually(async () => (await page.getByTestId('wall-site').innerText()) === '城关镇便民服务中心', { timeoutMs: 30_000 });
    await page.locator('.window-tile[data-window-code="T-01"]').waitFor();
    await h.shot(page, 'wall-town');

    // a big hall without a plan (the demo county's shape, 240 windows: counter rows of 12 with an aisle) is shrunk to fit the screen whole
    const big = await h.factory.site({ code: 'PLAN-UI-BIG', name: '大厅（无平面图）' });
    for (let i = 0; i < 240; i++) {
      const row = Math.floor(i / 12);
      const col = i % 12;
      await h.factory.window(big.id, { code: `D-${String(i + 1).padStart(3, '0')}`, posX: col >= 6 ? col + 1 : col, posY: row * 2 });
    }
    await page.goto(`${h.url}/console/wall?site=${big.id}`);
    await page.locator('.window-tile[data-window-code="D-240"]').waitFor();
    await eventually(async () => Number(await page.locator('.wall-fit-inner').getAttribute('data-scale')) < 1);
    const last = (await page.locator('.window-tile[data-window-code="D-240"]').boundingBox())!;
    assert.ok(last.y + last.height <= 1080, `the last row is on the screen (bottom at ${last.y + last.height}px)`);
    await h.shot(page, 'wall-big');

    assert.deepEqual(h.pageErrors.splice(0), []);
    await context.close();
  });
  it('terminals page: a night power schedule is added, and 远程唤醒 reports each terminal (already online / no MAC known)', async () => {
    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/terminals', 'page-terminals');
    const card = page.getByTestId('power-schedules');
    await card.getByTestId('power-site').selectOption(site.id);
    await card.getByTestId('power-area').locator('option', { hasText: 'A区' }).waitFor({ state: 'attached' });
    await card.getByTestId('power-area').selectOption('A区');
    await card.getByTestId('power-off-at').fill('18:30');
    await card.getByTestId('power-wake-at').fill('08:00');
    await card.getByTestId('power-add').click();
    await card.locator('[data-testid=power-list] tbody tr', { hasText: 'A区' }).waitFor();
    assert.match(
      await card.locator('[data-testid=power-list] tbody tr').first().innerText(),
      /县政务服务中心 · A区[\s\S]*工作日[\s\S]*18:30[\s\S]*08:00[\s\S]*启用/,
    );
    const [schedule] = (await h.broker.admin.get(`/api/v1/power-schedules?siteId=${site.id}`)).body.items;
    assert.deepEqual([schedule.area, schedule.powerOffAt, schedule.wakeAt, schedule.days], ['A区', '18:30', '08:00', 'working-days']);

    const bulk = page.getByTestId('bulk-commands');
    await bulk.getByTestId('bulk-site').selectOption(site.id);
    await bulk.getByTestId('bulk-area').locator('option', { hasText: 'A区' }).waitFor({ state: 'attached' });
    await bulk.getByTestId('bulk-area').selectOption('A区');
    await bulk.getByTestId('bulk-type').selectOption('wake');
    await bulk.getByTestId('bulk-send').click();
    await page.getByTestId('confirm-ok').click();
    await bulk.getByTestId('bulk-summary').waitFor({ timeout: 60_000 });
    const rows = await bulk.locator('[data-testid=bulk-results] tbody tr').allInnerTexts();
    assert.match(
      rows.find((r) => r.includes('终端A-01'))!,
      /成功[\s\S]*已在线/,
    );
    assert.match(
      rows.find((r) => r.includes('终端A-02'))!,
      /失败[\s\S]*网卡地址/,
    );
    await h.shot(page, 'power-schedules');
    assert.deepEqual(h.pageErrors.splice(0), []);
    await context.close();
  });
});
