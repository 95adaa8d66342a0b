// Issue 17, items 1 and 6, in real Chromium: a real agent (recording OS adapter) opens the window
// page from the broker with its screen channel in the fragment; an admin in the console sends a
// message, locks, unlocks and binds a window. The page shows each at once, without a reload, and
// the console says 成功 only when the page showed it. Screenshots: test/e2e/artifacts/screen-*.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium } from '../console/harness.js';
import { AgentProcess, FleetBroker } from '../agent/agent-kit.js';
import { eventually } from '../helpers/eventually.js';
import { ADMIN_PASSWORD } from '../helpers/start-broker.js';

describe('window screen: notices, lock and binding reach the open window page (issue 17)', function () {
  this.timeout(120_000);
  let fleet: FleetBroker;
  let agent: AgentProcess;
  let browser: Browser;
  let terminalName: string;
  let windowPage: Page;
  let consolePage: Page;
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `screen-${name}.png`) });

  before(async () => {
    ensureConsoleBuilt();
    fleet = await FleetBroker.start();
    const site = await fleet.factory.site({ code: 'SCRN', name: '屏幕测试中心' });
    await fleet.factory.window(site.id, { code: 'A-001' });
    await fleet.factory.window(site.id, { code: 'A-002', label: '综合受理' });
    terminalName = `终端-屏幕-${Date.now().toString(36)}`;
    agent = await AgentProcess.start(fleet.url, { joinToken: (await fleet.joinToken(site.id)).token, name: terminalName });
    await fleet.waitOnline(await agent.terminalId());
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await agent?.dispose();
    await fleet?.stop();
  });

  it("opens the window page the agent opened, and the console on the terminal's commands", async () => {
    const opened = () => {
      try {
        return agent.records().find((a) => a.action === 'kiosk.open')?.args.url as string | undefined;
      } catch {
        return undefined; // a line the agent is still writing
      }
    };
    const kioskUrl = String(await eventually(opened));
    assert.match(kioskUrl, /#credential=.+&screen=\d+\./);
    windowPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
    await windowPage.goto(kioskUrl);
    await windowPage.getByTestId('window-code').waitFor();
    assert.equal(await windowPage.getByTestId('window-code').innerText(), '—', 'not bound yet');
    // a reload would lose this mark
    await windowPage.evaluate(() => Object.assign(globalThis, { yzNoReload: true }));

    consolePage = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })).newPage();
    await consolePage.goto(`${fleet.url}/console/`);
    await consolePage.fill('input[name=username]', 'admin');
    await consolePage.fill('input[name=password]', ADMIN_PASSWORD);
    await consolePage.click('button[type=submit]');
    await consolePage.getByTestId('current-user').waitFor();
    await consolePage.goto(`${fleet.url}/console/terminals`);
    await consolePage.locator('tr', { hasText: terminalName }).getByRole('button', { name: '命令' }).click();
    await consolePage.getByTestId('terminal-commands').waitFor();
  });

  it('item 1: 发送消息 shows the message on the window page, and 成功 says it is on the screen', async () => {
    const commands = consolePage.getByTestId('terminal-commands');
    await commands.locator('input').fill('11:30 系统维护，请先保存正在办理的业务');
    await commands.getByRole('button', { name: '发送消息' }).click();
    await consolePage.locator('.toasts', { hasText: '消息已显示在窗口屏幕上' }).waitFor();
    const notice = windowPage.getByTestId('screen-notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), /信息中心通知[\s\S]*11:30 系统维护，请先保存正在办理的业务/);
    await shot(windowPage, 'notice');
    await shot(consolePage, 'console-sent');
    await notice.getByRole('button', { name: '知道了' }).click();
    await notice.waitFor({ state: 'detached' });
  });

  it('item 1: 锁屏 covers the window page and 解锁 uncovers it', async () => {
    const commands = consolePage.getByTestId('terminal-commands');
    await commands.getByRole('button', { name: '锁屏' }).click();
    await consolePage.getByTestId('confirm-ok').click();
    await windowPage.getByTestId('screen-lock').waitFor();
    assert.match(await windowPage.getByTestId('screen-lock').innerText(), /本窗口已被信息中心锁定/);
    await shot(windowPage, 'locked');
    await commands.getByRole('button', { name: '解锁' }).click();
    await windowPage.getByTestId('screen-lock').waitFor({ state: 'detached' });
  });

  it('item 6: 绑定窗口 in the console shows the new window on the open page, without a reload', async () => {
    const bind = consolePage.getByTestId('bind-window');
    await bind.locator('select').selectOption({ label: 'A-002 · 综合受理' });
    await bind.getByRole('button', { name: '绑定窗口' }).click();
    await consolePage.locator('.toasts', { hasText: '已绑定到窗口 A-002' }).waitFor();
    await windowPage.locator('[data-testid=window-code]', { hasText: 'A-002' }).waitFor();
    assert.equal(await windowPage.evaluate(() => (globalThis as unknown as { yzNoReload?: boolean }).yzNoReload), true, 'the page was not reloaded');
    await shot(windowPage, 'bound');
  });

  it('item 1: with the window page closed, 发送消息 fails and says the page is not open', async () => {
    await windowPage.close();
    const commands = consolePage.getByTestId('terminal-commands');
    await commands.locator('input').fill('没有人会看到这条');
    await commands.getByRole('button', { name: '发送消息' }).click();
    const error = commands.locator('.error-view');
    await error.waitFor();
    assert.match(await error.innerText(), /该终端的窗口页面没有打开，消息没有显示/);
    await shot(consolePage, 'console-not-shown');
  });
});
