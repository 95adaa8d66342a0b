// 排队叫号 on the window page in real Chromium (issue 19): the bar under the top bar calls,
// recalls and ends the service of numbers held by the queue simulator; 结束服务 opens the
// five-level card with the invitation it made, and the rating is stored once. The desktop
// itself plays no part: its gateway is a closed port. Screenshots: test/e2e/artifacts/window-queue*.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { QueueSimulator } from '../../broker/demo/queue-simulator.js';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium } from '../console/harness.js';
import { Factory } from '../helpers/factories.js';
import { freePort } from '../helpers/free-port.js';
import { startTestBroker, type TestBroker } from '../helpers/start-broker.js';

describe('window page: the queue bar (排队叫号) against the queue simulator', function () {
  this.timeout(120_000);
  const sim = new QueueSimulator();
  let broker: TestBroker;
  let browser: Browser;
  let page: Page;
  let site: string;
  let windowId: string;

  before(async () => {
    ensureConsoleBuilt();
    await sim.listen();
    broker = await startTestBroker({ env: { YUNZHUO_QUEUE_URL: sim.url } });
    const f = new Factory(broker.admin);
    const hall = await f.hall({ desktops: 1 });
    assert.equal((await broker.admin.patch(`/api/v1/gateways/${hall.gateway.id}`, { port: await freePort() })).status, 200);
    site = hall.site.code;
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id, displayName: '王小明' });
    const seat = await f.windowWithTerminal(hall.site.id);
    windowId = seat.window.id;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
    await page.goto(`${broker.url}/terminal#credential=${seat.terminal.credential}`);
    await page.getByTestId('idle-screen').waitFor();
    await page.fill('[data-testid=login-form] input[name=username]', clerk.username);
    await page.fill('[data-testid=login-form] input[name=password]', 'clerk-pass-1');
    await page.click('[data-testid=login-submit]');
    await page.getByTestId('queue-bar').waitFor({ timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await broker?.stop();
    await sim.close();
  });

  it('叫号 with nobody waiting says so; then calls, recalls and skips a number', async () => {
    assert.equal(await page.getByTestId('queue-number').innerText(), '当前无号');
    await page.getByTestId('queue-call').click();
    await page.getByTestId('queue-notice').filter({ hasText: '暂无等候的群众' }).waitFor();
    const first = sim.take(site);
    await page.getByTestId('queue-call').click();
    await page
      .getByTestId('queue-number')
      .filter({ hasText: `正在办理 ${first} 号` })
      .waitFor();
    assert.equal(await page.getByTestId('queue-call').isDisabled(), true, 'one number at a time');
    await page.screenshot({ path: path.join(ARTIFACTS, 'window-queue-bar.png') });
    await page.getByTestId('queue-recall').click();
    await page.getByTestId('queue-skip').click();
    await page.getByTestId('queue-number').filter({ hasText: '当前无号' }).waitFor();
    assert.deepEqual(
      sim.log.filter((e) => e.number === first).map((e) => e.step),
      ['call', 'recall', 'skip'],
    );
  });

  it('结束服务 shows the five-level card for the number just served; the rating is stored once', async () => {
    const number = sim.take(site);
    await page.getByTestId('queue-call').click();
    await page.getByTestId('queue-number').filter({ hasText: number }).waitFor();
    await page.getByTestId('case-number').fill('3703210012026120300017');
    await page.getByTestId('queue-finish').click();
    const card = page.getByTestId('rating-card');
    await card.locator('button[data-level="5"]:not([disabled])').waitFor();
    assert.deepEqual(await card.locator('button[data-level]').allInnerTexts(), ['非常满意', '满意', '基本满意', '不满意', '非常不满意']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'window-queue.png') });
    await card.locator('button[data-level="4"]').click();
    await page.getByTestId('rating-submit').click();
    await page.getByTestId('rating-thanks').waitFor();
    const ratings = await broker.admin.get(`/api/v1/ratings?windowId=${windowId}`);
    assert.equal(ratings.body.total, 1);
    assert.deepEqual([ratings.body.items[0].level, ratings.body.items[0].caseNumber], [4, '3703210012026120300017']);
    assert.deepEqual(
      sim.log.slice(-2).map((e) => [e.step, e.number]),
      [
        ['call', number],
        ['finish', number],
      ],
    );
    assert.equal(await page.getByTestId('queue-number').innerText(), '当前无号');
  });
});
