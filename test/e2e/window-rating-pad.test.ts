// The rating pad (评价器) on the REAL stack (issue 19): a clerk signs in at the window page to a
// real xrdp desktop through guacd, pairs the pad (a second Chromium page) with the code the
// window shows, calls a number from the queue simulator, serves and ends the service (办结); the
// pad shows the five-level card; a 差评 with tags opens a work order whose deadline follows the
// working-day calendar (a holiday in between); a rating made while the pad is offline is sent
// once it is back, exactly once even when an answer is lost; 暂停叫号 shows in the console; the
// console walks the work order through 申诉 → 复核 → 回访 → 追评; the outbox's dead letters are
// sent again. Screenshots: test/e2e/artifacts/pad-*.png, window-pad-*.png, console-rating-*.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { QueueSimulator } from '../../broker/demo/queue-simulator.js';
import { workingDayDeadline } from '../../broker/src/ratings/working-days.js';
import { ARTIFACTS } from '../console/harness.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/free-port.js';
import { ADMIN_PASSWORD } from '../helpers/start-broker.js';
import { ApiClient } from '../helpers/api-client.js';
import { expectCleanAndIdle, submitLogin, waitForDesktop, WindowWorld, type Clerk, type WindowSeat } from './window/window-world.js';

/** desktop account yzdesk19: apart from the window (5–7), bench (8–12), clipboard (13–15), devices (16–17) and paper (18) suites */
const DESKTOP = 19;
const TZ = 'Asia/Shanghai';

describe('the rating pad at the counter (Chromium ×2, real guacd + xrdp, queue simulator)', function () {
  this.timeout(180_000);
  const sim = new QueueSimulator();
  let world: WindowWorld;
  let seat: WindowSeat;
  let clerk: Clerk;
  let siteCode: string;
  let window: Page;
  let padContext: BrowserContext;
  let pad: Page;
  let consolePage: Page;
  let department: string;

  before(async function () {
    this.timeout(240_000);
    await sim.listen();
    world = await WindowWorld.start(DESKTOP, undefined, {
      YUNZHUO_QUEUE_URL: sim.url,
      // a province that never answers: every change goes dead after one attempt (the dead-letter view)
      YUNZHUO_RATING_OUTBOX_URL: `http://127.0.0.1:${await freePort()}/province`,
      YUNZHUO_RATING_OUTBOX_SECRET: 'province-secret-0001',
      YUNZHUO_RATING_OUTBOX_MAX_ATTEMPTS: '1',
      YUNZHUO_RATING_OUTBOX_POLL_SECONDS: '1',
    });
    const site = await world.factory.site({ name: '桓台县政务服务中心', kind: 'county' });
    siteCode = site.code;
    const gateway = await world.gateway(site.id);
    department = (await world.factory.department({ name: '社保医保' })).id;
    await world.pool(department, site.id, gateway.id, [world.stack.desktops[DESKTOP - 1]!]);
    clerk = await world.clerk([department], site.id, '李 社保');
    seat = await world.seat(site.id, 'S-001', department);
    ({ page: window } = await world.openWindow(seat));
    await submitLogin(window, clerk.username);
    await waitForDesktop(window, 60_000);
    await window.getByTestId('queue-bar').waitFor();
    padContext = await world.browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN', timezoneId: TZ });
    pad = await padContext.newPage();
    pad.on('pageerror', (err) => world.pageErrors.push(`pad: ${err.message}`));
    const consoleContext = await world.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: TZ });
    consolePage = await consoleContext.newPage();
    consolePage.on('pageerror', (err) => world.pageErrors.push(`console: ${err.message}`));
  });

  after(async function () {
    this.timeout(60_000);
    if (window) await expectCleanAndIdle(world, window).catch(() => undefined);
    await world?.stop();
    await sim.close();
  });

  afterEach(() => assert.deepEqual(world.pageErrors.splice(0), [], 'no uncaught errors in any page'));

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  /** 叫号 at the window for a number just taken, then 结束服务 with the case typed in the bar */
  async function serveAndFinish(caseNumber: string): Promise<string> {
    const number = sim.take(siteCode, '社保');
    await window.getByTestId('queue-call').click();
    await window
      .getByTestId('queue-number')
      .filter({ hasText: `正在办理 ${number} 号` })
      .waitFor();
    await pad.getByTestId('pad-number').filter({ hasText: number }).waitFor();
    await window.getByTestId('case-number').fill(caseNumber);
    await window.getByTestId('item-code').fill('11370321004345009R4000111');
    await window.getByTestId('queue-finish').click();
    return number;
  }

  it('pairs the pad with the code the window shows; the pad greets with the window and the clerk', async () => {
    await window.getByTestId('pad').click();
    const code = window.getByTestId('pad-pairing-code');
    await code.filter({ hasText: /^\d{8}$/ }).waitFor();
    await shot(window, 'window-pad-pairing');
    await pad.goto(`${world.url}/pad`);
    await pad.getByTestId('pad-code').fill(await code.innerText());
    await pad.getByTestId('pad-pair').click();
    await pad.getByTestId('pad-window').filter({ hasText: 'S-001 号窗口' }).waitFor();
    assert.equal(await pad.getByTestId('pad-clerk').innerText(), '为您服务的工作人员：李 社保');
    await window.getByTestId('pad-paired-count').filter({ hasText: '已配对评价器 1 台' }).waitFor();
    await window.getByTestId('pad-pair-close').click();
    assert.equal(await window.getByTestId('pad').getAttribute('data-pads'), '1');
    await shot(pad, 'pad-welcome');
  });

  it('办结 shows the five-level card on the pad; a 差评 with tags opens a work order due by the working-day calendar', async () => {
    // the first working day after today is a holiday: the 回访 deadline moves one working day on
    const listed = new Map<string, 'holiday' | 'workday'>();
    const holiday = nextWeekday(localDate(Date.now()));
    assert.equal((await world.broker.admin.request('PUT', `/api/v1/calendar-days/${holiday}`, { kind: 'holiday', label: '测试假日' })).status, 200);
    listed.set(holiday, 'holiday');

    const number = await serveAndFinish('3703210012026120400101');
    const card = pad.getByTestId('rating-card');
    await card.waitFor();
    assert.deepEqual(await card.locator('button[data-level]').allInnerTexts(), ['非常满意', '满意', '基本满意', '不满意', '非常不满意']);
    assert.equal(await pad.getByTestId('pad-card-number').innerText(), `您的号码：${number} 号`);
    await window.getByTestId('pad-rating-notice').filter({ hasText: '评价卡已显示在评价器上' }).waitFor();
    assert.equal(await window.getByTestId('rating-card').count(), 0, 'the clerk’s screen shows no card: it is on the pad');
    await shot(pad, 'pad-card');
    await card.locator('button[data-level="1"]').click();
    await pad.locator('[data-tag="attitude"]').click();
    await pad.locator('[data-tag="wait-too-long"]').click();
    await shot(pad, 'pad-bad-tags');
    await pad.getByTestId('rating-submit').click();
    await pad.getByTestId('rating-thanks').waitFor();
    await window.getByTestId('pad-rating-notice').filter({ hasText: '群众已在评价器上完成评价：非常不满意' }).waitFor();
    await shot(window, 'window-pad-rated');

    const rating = await eventually(async () => {
      const list = await world.broker.admin.get(`/api/v1/ratings?windowId=${seat.window.id}`);
      assert.equal(list.body.total, 1);
      return list.body.items[0];
    });
    assert.deepEqual([rating.level, rating.tags.sort(), rating.caseNumber], [1, ['attitude', 'wait-too-long'], '3703210012026120400101']);
    const finish = sim.log.find((e) => e.step === 'finish' && e.number === number);
    assert.equal(finish?.window, 'S-001');
    const orders = await world.broker.admin.get('/api/v1/rating-work-orders');
    const order = orders.body.items.find((o: { ratingId: string }) => o.ratingId === rating.id);
    const createdAt = Date.parse(rating.createdAt);
    assert.equal(order.visitDueAt, workingDayDeadline(createdAt, 3, TZ, listed).toISOString());
    assert.notEqual(order.visitDueAt, workingDayDeadline(createdAt, 3, TZ, new Map()).toISOString(), 'the holiday counts');
    assert.equal(order.rectifyDueAt, workingDayDeadline(createdAt, 15, TZ, listed).toISOString());
  });

  it('offline, the pad keeps the rating and sends it when the broker is back: exactly once, even when an answer is lost', async () => {
    await serveAndFinish('3703210012026120400102');
    const card = pad.getByTestId('rating-card');
    await card.waitFor();
    const invitationId = await card.getAttribute('data-invitation');
    await padContext.setOffline(true);
    await pad.getByTestId('pad-offline').waitFor();
    await card.locator('button[data-level="4"]').click();
    await pad.getByTestId('rating-submit').click();
    await pad.getByTestId('rating-thanks').waitFor();
    await pad.getByTestId('pad-pending').filter({ hasText: '待发送评价 1 条' }).waitFor();
    await shot(pad, 'pad-offline');
    // back online, but the first answer is lost on the way: the broker stored the rating, the pad never heard
    let lost = 0;
    await pad.route('**/api/v1/pad/ratings', async (route) => {
      if (lost++ === 0) {
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await padContext.setOffline(false);
    await pad.locator('[data-testid=pad-screen][data-pending="0"][data-online="true"]').waitFor({ timeout: 30_000 });
    assert.ok(lost >= 2, `the pad sent again after the lost answer (${lost} attempts)`);
    const ratings = await world.broker.admin.get(`/api/v1/ratings?windowId=${seat.window.id}&level=4`);
    assert.equal(ratings.body.total, 1, 'one rating, however many times it was sent');
    assert.equal(ratings.body.items[0].invitationId, invitationId);
    await pad.unroute('**/api/v1/pad/ratings');
  });

  it('暂停叫号 at the window: 叫号 is off, the console’s hall shows the window paused; 恢复叫号 turns it back', async () => {
    const notice = window.getByTestId('pad-rating-notice');
    if (await notice.isVisible()) await notice.getByRole('button').click();
    await window.getByTestId('queue-pause').click();
    await window.getByTestId('queue-paused').waitFor();
    assert.equal(await window.getByTestId('queue-call').isDisabled(), true);
    await consoleLogin();
    await consolePage.goto(`${world.url}/console/hall`);
    await consolePage.locator('[data-testid=hall-queue-window][data-window="S-001"][data-paused="true"]').waitFor();
    await consolePage.screenshot({ path: path.join(ARTIFACTS, 'console-rating-queue-paused.png'), fullPage: true });
    assert.deepEqual(sim.paused(siteCode), ['S-001']);
    await window.getByTestId('queue-resume').click();
    await window.getByTestId('queue-pause').waitFor();
    assert.equal(await window.getByTestId('queue-call').isDisabled(), false);
    const audit = await world.broker.admin.get(`/api/v1/audit-events?targetType=window&targetId=${seat.window.id}`);
    assert.deepEqual(
      audit.body.items
        .map((e: { action: string }) => e.action)
        .filter((a: string) => a.startsWith('queue.'))
        .sort(),
      ['queue.pause', 'queue.resume'],
    );
  });

  it('a pad that does not answer: 改在本屏评价 puts the same card on the window; the pad’s card goes once it is rated', async () => {
    await serveAndFinish('3703210012026120400103');
    const padCard = pad.getByTestId('rating-card');
    await padCard.waitFor();
    const invitationId = await padCard.getAttribute('data-invitation');
    await window.getByTestId('pad-rate-here').click();
    const card = window.getByTestId('rating-card');
    await card.locator('button[data-level="5"]:not([disabled])').click();
    await window.getByTestId('rating-submit').click();
    await window.getByTestId('rating-thanks').waitFor();
    await pad.getByTestId('pad-welcome').waitFor();
    const rated = await world.broker.admin.get(`/api/v1/ratings?windowId=${seat.window.id}&level=5`);
    assert.deepEqual(
      rated.body.items.map((r: { invitationId: string }) => r.invitationId),
      [invitationId],
    );
  });

  it('a department reviewer signs in to the work orders only, and reads the order with its names and tag labels', async () => {
    const reviewer = await world.factory.account({ roles: ['department-reviewer'], departmentIds: [department], password: 'Reviewer-pass-1' });
    const page = await (await world.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: TZ })).newPage();
    page.on('pageerror', (err) => world.pageErrors.push(`reviewer: ${err.message}`));
    await page.goto(`${world.url}/console/`);
    await page.fill('input[name=username]', reviewer.username);
    await page.fill('input[name=password]', 'Reviewer-pass-1');
    await page.click('button[type=submit]');
    await page.getByTestId('page-work-orders').waitFor();
    assert.deepEqual(
      await page
        .locator('.nav-item')
        .allInnerTexts()
        .then((items) => items.map((i) => i.replace(/\s+/g, ' ').trim())),
      ['✎ 差评工单'],
    );
    const row = page.getByTestId('wo-table').locator('tbody tr').filter({ hasText: '服务态度差、等候时间长' });
    await row.filter({ hasText: 'S-001' }).filter({ hasText: '社保医保' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-rating-reviewer.png'), fullPage: true });
    await page.context().close();
  });

  it('the console follows the 差评 up: 申诉 → 复核 (kept) → 回访 → 追评, deadlines shown; the outbox’s dead letters are sent again', async () => {
    await consolePage.goto(`${world.url}/console/work-orders`);
    await consolePage.getByTestId('page-work-orders').waitFor();
    const row = consolePage.getByTestId('wo-table').locator('tbody tr').first();
    await row.getByTestId('wo-state').filter({ hasText: '待回访' }).waitFor();
    await row.click();
    const drawer = consolePage.getByTestId('wo-drawer');
    await drawer.getByTestId('wo-visit-due').waitFor();
    await consolePage.screenshot({ path: path.join(ARTIFACTS, 'console-rating-work-order.png'), fullPage: true });
    const step = async (name: string, text: string, state: string, choose?: () => Promise<unknown>) => {
      await drawer.getByTestId(`wo-step-${name}`).click();
      await choose?.();
      await drawer.getByTestId('wo-step-text').fill(text);
      await drawer.getByTestId('wo-step-submit').click();
      // the form closes once the broker took the step
      await drawer.getByTestId('wo-step-form').waitFor({ state: 'detached' });
      await drawer.locator(`[data-testid=wo-detail][data-state=${state}]`).waitFor();
    };
    await step('appeal', '群众误选了等级，已联系核实', 'appealed');
    await step('review', '核实后维持差评', 'open', () => drawer.getByTestId('wo-decision').selectOption('keep'));
    await step('visit', '已电话回访，群众反映等候时间长', 'visited');
    await step('follow-up', '回访后满意', 'visited', () => drawer.getByTestId('wo-follow-up-level').selectOption('4'));
    assert.equal(await drawer.getByTestId('wo-step-follow-up').count(), 0, 'one 追评 only');
    await consolePage.screenshot({ path: path.join(ARTIFACTS, 'console-rating-work-order-done.png'), fullPage: true });
    const order = (await world.broker.admin.get('/api/v1/rating-work-orders')).body.items[0];
    assert.deepEqual([order.state, order.reviewDecision, order.followUpLevel], ['visited', 'keep', 4]);

    await consolePage.goto(`${world.url}/console/rating-tags`);
    await consolePage.getByTestId('tags-level-1').waitFor();
    await consolePage.screenshot({ path: path.join(ARTIFACTS, 'console-rating-tags.png'), fullPage: true });

    await consolePage.goto(`${world.url}/console/rating-outbox`);
    const dead = consolePage.locator('[data-testid=outbox-state][data-state=dead]').first();
    await eventually(async () => {
      await consolePage.reload();
      await dead.waitFor({ timeout: 5000 });
      return true;
    });
    await consolePage.screenshot({ path: path.join(ARTIFACTS, 'console-rating-outbox.png'), fullPage: true });
    await consolePage.getByTestId('outbox-retry').first().click();
    await consolePage.getByText('已重新排队发送').waitFor();
    const audit = await world.broker.admin.get('/api/v1/audit-events?action=rating-outbox.retry');
    assert.ok(audit.body.items.some((e: { action: string }) => e.action === 'rating-outbox.retry'));
  });

  it('a tablet that scans the window’s QR code opens /pad#code=… and is paired at once; the earlier pad is unpaired', async () => {
    const windowApi = ApiClient.forTerminal(world.url, seat.terminal.credential);
    const made = await windowApi.post('/api/v1/terminal/rating-pads/pairing-code');
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.qrDataUrl, /^data:image\/png;base64,/);
    const tablet = await (await world.browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN', timezoneId: TZ })).newPage();
    await tablet.goto(made.body.padUrl);
    await tablet.getByTestId('pad-window').filter({ hasText: 'S-001 号窗口' }).waitFor();
    assert.equal(new URL(tablet.url()).hash, '', 'the code leaves the address bar');
    // the first pad hears PAD_UNKNOWN on its next poll and shows the code screen again
    await pad.getByTestId('pad-pairing').waitFor();
    await shot(pad, 'pad-unpaired');
  });

  async function consoleLogin(): Promise<void> {
    if (
      await consolePage
        .getByTestId('current-user')
        .isVisible()
        .catch(() => false)
    )
      return;
    await consolePage.goto(`${world.url}/console/`);
    await consolePage.getByTestId('login-form').waitFor();
    await consolePage.fill('input[name=username]', 'admin');
    await consolePage.fill('input[name=password]', ADMIN_PASSWORD);
    await consolePage.click('button[type=submit]');
    await consolePage.getByTestId('current-user').waitFor();
  }
});

/** the hall's date (YYYY-MM-DD) at `ms` */
function localDate(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(ms));
}

/** the first Monday-to-Friday date after `date` */
function nextWeekday(date: string): string {
  for (let d = new Date(`${date}T00:00:00Z`); ;) {
    d = new Date(d.getTime() + 86_400_000);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) return d.toISOString().slice(0, 10);
  }
}
