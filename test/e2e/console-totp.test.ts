// Issue 18, in Chromium: a site admin under the default TOTP policy signs in, is held on the
// enrollment page (QR code, first code, recovery codes shown once), then reaches the console; a
// later sign-in asks for the code and takes a recovery code once.
// Screenshots: test/e2e/artifacts/console-totp-*.png.
import assert from 'node:assert/strict';
import { ApiClient, assertError } from '../helpers/api-client.js';
import { totpCodeAt } from '../helpers/totp.js';
import { ConsoleHarness, textMatching } from '../console/harness.js';

describe('console: TOTP enrollment and sign-in with a code (Chromium)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;

  before(async () => {
    h = await ConsoleHarness.start({ env: { YUNZHUO_TOTP_REQUIRED_ROLES: 'admin,site-admin' } });
    const site = await h.factory.site({ name: '城关镇便民服务中心', kind: 'town' });
    await h.factory.account({
      username: 'zhaomin',
      displayName: '赵敏',
      password: 'Town-admin-pass-1',
      roles: ['site-admin'],
      homeSiteId: site.id,
      mustChangePassword: false,
    });
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('holds a site admin on enrollment until a first code, shows the recovery codes once, then opens the console', async () => {
    const { page } = await h.newPage();
    await page.goto(`${h.url}/console/`);
    await page.getByTestId('login-form').waitFor();
    await page.fill('input[name=username]', 'zhaomin');
    await page.fill('input[name=password]', 'Town-admin-pass-1');
    await page.click('button[type=submit]');
    await page.getByTestId('totp-enroll').waitFor();
    await textMatching(page.getByTestId('totp-enroll'), /绑定手机令牌/);
    await page.getByTestId('totp-start').click();
    await page.getByTestId('totp-qr').waitFor();
    const qr = await page.getByTestId('totp-qr').getAttribute('src');
    assert.match(qr ?? '', /^data:image\/png;base64,/);
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    await h.shot(page, 'totp-enroll');

    await page.fill('input[name=totpCode]', totpCodeAt(secret, Date.now()));
    await page.getByTestId('totp-submit').click();
    await page.getByTestId('totp-recovery').waitFor();
    const codes = (await page.getByTestId('totp-recovery-codes').innerText()).split(/\s+/).filter(Boolean);
    assert.equal(codes.length, 10);
    await h.shot(page, 'totp-recovery');
    await page.getByTestId('totp-recovery-done').click();
    await page.getByTestId('current-user').waitFor();

    // the password alone no longer signs in; a recovery code does, once
    assertError(await new ApiClient(h.url).login('zhaomin', 'Town-admin-pass-1'), 401, 'TOTP_REQUIRED');
    const again = (await h.newPage()).page;
    await again.goto(`${h.url}/console/`);
    await again.fill('input[name=username]', 'zhaomin');
    await again.fill('input[name=password]', 'Town-admin-pass-1');
    await again.click('button[type=submit]');
    await again.locator('input[name=totpCode]').waitFor();
    await h.shot(again, 'totp-code');
    await again.fill('input[name=totpCode]', codes[0]!);
    await again.click('button[type=submit]');
    await again.getByTestId('current-user').waitFor();
    const reuse = await new ApiClient(h.url).post('/api/v1/auth/login', { username: 'zhaomin', password: 'Town-admin-pass-1', totpCode: codes[0] });
    assertError(reuse, 401, 'TOTP_INVALID');
  });
});
