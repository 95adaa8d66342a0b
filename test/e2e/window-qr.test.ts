// Issue 18, 扫码登录 in Chromium: the window page of a hall whose provincial platform allows QR
// sign-in shows 扫码登录; the QR code (with its countdown, a fresh one when it runs out) is scanned by
// a phone (a second Chromium page, phone-sized) that signs in at a REAL OpenID provider
// (oidc-provider) and reads 「已登录，请回到窗口」; the window then logs the clerk in by itself.
// Screenshots: test/e2e/artifacts/console-window-qr-*.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, ConsoleHarness } from '../console/harness.js';
import { eventually } from '../helpers/eventually.js';
import { startTestProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { freePort } from '../helpers/private-slapd.js';

describe('window page: 扫码登录 with a phone (Chromium, real OpenID provider)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let provider: TestProvider;
  let siteId: string;

  before(async () => {
    h = await ConsoleHarness.start();
    provider = await startTestProvider(`${h.url}/api/v1/auth/oidc/callback`);
    const f = h.factory;
    const site = await f.site({ name: '县便民服务中心' });
    const department = await f.department({ name: '社保局' });
    // a gateway nobody listens on: the login is what is shown, not a desktop picture
    const gateway = await f.gateway({ siteId: site.id, port: await freePort() });
    const pool = await f.pool(department.id, site.id, [gateway.id]);
    await f.desktop(pool.id);
    siteId = site.id;
    await h.broker.admin.create('/api/v1/identity-sources/oidc', {
      name: '省统一身份认证平台',
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      redirectUri: `${h.url}/api/v1/auth/oidc/callback`,
      allowQr: true,
      claimMappings: [{ claim: 'groups', value: 'hall-clerks', departmentIds: [department.id], roles: ['clerk'] }],
    });
  });
  after(async () => {
    await provider?.close();
    await h?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('shows the QR code, refreshes it when its time runs out, and logs the clerk in once the phone signed in', async () => {
    provider.signInAs({ sub: '4001', preferred_username: 'zhaolei', name: '赵磊', groups: ['hall-clerks'] });
    const seat = await h.factory.windowWithTerminal(siteId);
    const { page } = await h.newPage();
    await page.clock.install(); // the page's countdown, moved on below without waiting two minutes
    await page.goto(`${h.url}/terminal#credential=${seat.terminal.credential}`);
    const button = page.getByTestId('login-qr');
    await button.waitFor();
    assert.equal(await button.innerText(), '扫码登录');

    const firstCode = page.waitForResponse((r) => r.url().endsWith('/api/v1/terminal/oidc/qr') && r.status() === 201);
    await button.click();
    const first = (await (await firstCode).json()) as { id: string; url: string };
    await page.getByTestId('qr-code').waitFor();
    assert.match(await page.getByTestId('qr-state').innerText(), /二维码 1[12]\d 秒后自动刷新/);
    await h.shot(page, 'window-qr-shown');

    // the countdown runs out: the page shows a fresh code of its own
    const secondCode = page.waitForResponse((r) => r.url().endsWith('/api/v1/terminal/oidc/qr') && r.status() === 201);
    await page.clock.fastForward('02:01');
    const second = (await (await secondCode).json()) as { id: string; url: string; qrDataUrl: string };
    assert.notEqual(second.id, first.id);
    await eventually(async () => ((await page.getByTestId('qr-code').getAttribute('src')) === second.qrDataUrl ? true : null));

    const phone = await h.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true });
    const phonePage = await phone.newPage();
    phonePage.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) h.pageErrors.push(`phone: ${msg.text()}`);
    });
    await phonePage.goto(second.url);
    await phonePage.locator('[data-qr-result=ok]').waitFor();
    assert.equal(await phonePage.locator('h1').innerText(), '已登录，请回到窗口');
    await phonePage.screenshot({ path: path.join(ARTIFACTS, 'console-window-qr-phone.png') });

    await page.getByTestId('idle-screen').waitFor({ state: 'detached' });
    const sessions = await eventually(async () => {
      const items = (await seat.client.get('/api/v1/terminal/sessions')).body.items as unknown[];
      return items.length === 1 ? items : null;
    });
    assert.equal(sessions.length, 1, 'the clerk holds a desktop at this window');
    await h.shot(page, 'window-qr-signed-in');
    await phone.close();
  });
});
