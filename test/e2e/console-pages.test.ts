// Every console page against a seeded, busy county hall: each renders in Chinese without page
// errors and is written to test/e2e/artifacts/console-<page>.png for review; the on-demand
// chunks (reports, recording player) load; a recording plays.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ConsoleHarness, ROOT, textMatching } from '../console/harness.js';
import { seedHall, type SeededHall } from '../console/seed-hall.js';

const PAGES: [route: string, testId: string, name: string][] = [
  ['/', 'page-overview', 'overview'],
  ['/sessions', 'page-sessions', 'sessions'],
  ['/sessions?tab=history', 'page-sessions', 'sessions-history'],
  ['/pools', 'page-pools', 'pools-list'],
  ['/terminals', 'page-terminals', 'terminals'],
  ['/gateways', 'page-gateways', 'gateways'],
  ['/sites', 'page-sites', 'sites'],
  ['/departments', 'page-departments', 'departments'],
  ['/windows', 'page-windows', 'windows'],
  ['/accounts', 'page-accounts', 'accounts'],
  ['/audit', 'page-audit', 'audit'],
  ['/work-orders', 'page-work-orders', 'work-orders'],
  ['/rating-tags', 'page-rating-tags', 'rating-tags'],
  ['/rating-outbox', 'page-rating-outbox', 'rating-outbox'],
];

/** evaluated in the page: the player's position passed 500 ms */
/** the page's DOM, as much of it as the waits below read (the test's TypeScript has no DOM library) */
type PageWindow = {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null; querySelectorAll(selector: string): { length: number } };
};
// waits are functions, not strings: the broker's CSP (no 'unsafe-eval') refuses a string evaluated in the page
const PLAYED_HALF_A_SECOND = () =>
  Number((globalThis as unknown as PageWindow).document.querySelector('[data-testid=recording-player]')?.getAttribute('data-position')) > 500;

/** no loading spinner left and no raw message keys (a missing translation shows its key) */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as PageWindow).document.querySelectorAll('.loading').length === 0, undefined, { timeout: 10_000 });
  const text = await page.locator('#root').innerText();
  assert.doesNotMatch(
    text,
    /\b(?:common|nav|hall|pool|session|terminal|report|import|audit|account|window|site|desktop|wo|tags|outbox)\.[a-zA-Z]+\b/,
    'an untranslated key is visible',
  );
}

describe('console pages (Chromium, seeded hall)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let hall: SeededHall;
  let page: Page;

  before(async function () {
    h = await ConsoleHarness.start();
    hall = await seedHall(h.broker, h.factory);
    page = (await h.newPage()).page;
    await h.login(page);
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(function () {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  for (const [route, testId, name] of PAGES) {
    it(`renders ${route} in Chinese`, async () => {
      await h.open(page, route, testId);
      await page.locator('.data-table, .empty-state, .tag-level').first().waitFor();
      await settled(page);
      await textMatching(page.locator('h1').first(), /\p{Script=Han}/u, 'a Chinese title');
      await h.shot(page, name);
    });
  }

  it('draws the county hall with every state and its legend', async () => {
    await h.open(page, `/hall/${hall.county.id}`, 'page-hall');
    await page.locator('[data-window-code="A-001"]').waitFor();
    await settled(page);
    const states = await page.locator('.window-tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-state')));
    for (const s of ['in-use', 'disconnected', 'offline', 'maintenance', 'free', 'no-terminal']) assert.ok(states.includes(s), `a ${s} window is drawn`);
    await textMatching(page.getByTestId('hall-legend'), /使用中[\s\S]*已断开[\s\S]*终端离线[\s\S]*维护[\s\S]*空闲/);
    await h.shot(page, 'hall-county');
  });

  it('shows a pool with its desktops, capacity and switches', async () => {
    await h.open(page, '/pools', 'page-pools');
    await page.locator('[data-testid=pools-table] tr', { hasText: '税务-浮动池' }).click();
    await page.getByTestId('desktops-table').getByText('TAX-VD-001').waitFor();
    await settled(page);
    await h.shot(page, 'pools-desktops');
  });

  it('loads the reports chunk with charts, and an empty state while ratings do not exist', async () => {
    await h.open(page, '/reports', 'page-reports');
    await page.locator('.recharts-surface').first().waitFor();
    await settled(page);
    await textMatching(page.getByTestId('page-reports'), /NOT_ENTITLED|该账号无权使用此桌面池/, 'refusals are counted by reason');
    const ratings = await h.broker.admin.get('/api/v1/ratings');
    if (ratings.status === 404) await page.getByTestId('report-ratings').getByTestId('empty-state').waitFor();
    await h.shot(page, 'reports');
  });

  it('plays a Guacamole recording in the player (bytes fulfilled by the test at the agreed path)', async () => {
    // checks the player itself, independent of the broker's download endpoint
    const bytes = readFileSync(path.join(ROOT, 'test/fixtures/guacd-stream.bin'));
    await page.route('**/api/v1/sessions/*/recording', (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: bytes }));
    try {
      await h.open(page, `/sessions/${hall.recordedSessionId}/recording`, 'page-recording');
      await page.waitForSelector('[data-testid=recording-player][data-loaded=true]', { timeout: 30_000 });
      const canvas = page.locator('.player-screen canvas').first();
      await canvas.waitFor();
      await page.getByTestId('player-toggle').click();
      await page.waitForFunction(PLAYED_HALF_A_SECOND, undefined, { timeout: 10_000 });
      await h.shot(page, 'recording');
    } finally {
      await page.unroute('**/api/v1/sessions/*/recording');
    }
  });

  it('plays a session recording from the broker (waits on GET /api/v1/sessions/:id/recording); a second part can be picked', async () => {
    mkdirSync(path.dirname(hall.recordingPath), { recursive: true });
    copyFileSync(path.join(ROOT, 'test/fixtures/guacd-stream.bin'), hall.recordingPath);
    // as guacd names the recording of the session's next guacd connection
    copyFileSync(path.join(ROOT, 'test/fixtures/guacd-stream.bin'), `${hall.recordingPath}.1`);
    const res = await fetch(`${h.url}/api/v1/sessions/${hall.recordedSessionId}/recording`, {
      headers: { cookie: [...h.broker.admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    await h.open(page, `/sessions/${hall.recordedSessionId}/recording`, 'page-recording');
    await settled(page);
    if (res.status === 404) await h.shot(page, 'recording-missing');
    assert.equal(
      res.status,
      200,
      `the broker must serve the recording at GET /api/v1/sessions/:id/recording (got ${res.status}); the console's player is built against it`,
    );
    const player = page.getByTestId('recording-player');
    await page.waitForSelector('[data-testid=recording-player][data-loaded=true]', { timeout: 30_000 });
    await page.getByTestId('player-toggle').click();
    await page.waitForFunction(PLAYED_HALF_A_SECOND, undefined, { timeout: 10_000 });
    assert.ok(Number(await player.getAttribute('data-position')) > 500, 'playback advances');
    await h.shot(page, 'recording');

    const picker = page.getByTestId('recording-part');
    assert.deepEqual(await picker.locator('option').allInnerTexts(), ['第 1 段', '第 2 段']);
    const second = page.waitForResponse((r) => r.url().endsWith('/recording?part=1') && r.status() === 200);
    await picker.selectOption('1');
    await second;
    await page.waitForSelector('[data-testid=recording-player][data-loaded=true]', { timeout: 30_000 });
    assert.equal(await player.getAttribute('data-position'), '0', 'the picked part starts from its beginning');
  });
});
