// Issue 18, in Chromium: the console's 身份认证 page against a REAL slapd and a REAL OpenID provider
// (oidc-provider) — an LDAP source made in the form, 测试连接 and 立即同步 with their results, an
// unknown department in the group mapping refused beside its field, a provider made and tested, a
// login rule; a refused single sign-on back on the console's sign-in page in Chinese; and the window
// page's 统一身份认证 button, offered only at the site whose provider it is, signing a clerk in.
// Screenshots: test/e2e/artifacts/console-identity-*.png.
import assert from 'node:assert/strict';
import { ConsoleHarness, textMatching } from '../console/harness.js';
import { eventually } from '../helpers/eventually.js';
import { startTestProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { freePort, SLAPD_SUFFIX, startPrivateSlapd, type PrivateSlapd } from '../helpers/private-slapd.js';

const people = `ou=people,${SLAPD_SUFFIX}`;
const groups = `ou=groups,${SLAPD_SUFFIX}`;
const SERVICE_DN = `cn=yunzhuo,${SLAPD_SUFFIX}`;

describe('console: identity sources and login rules (Chromium, real slapd and OpenID provider)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let slapd: PrivateSlapd;
  let provider: TestProvider;
  let hall: { site: { id: string }; department: { id: string } };
  let town: { id: string };

  before(async () => {
    slapd = await startPrivateSlapd();
    slapd.ldif(
      [
        `dn: ${people}\nobjectClass: organizationalUnit\nou: people\n`,
        `dn: ${groups}\nobjectClass: organizationalUnit\nou: groups\n`,
        `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: yunzhuo\nuserPassword: svc-pass-2026\n`,
        `dn: uid=zhangwei,${people}\nobjectClass: inetOrgPerson\nuid: zhangwei\ncn: 张伟\nsn: 张\nuserPassword: Zw-ldap-2026\n`,
        `dn: uid=lina,${people}\nobjectClass: inetOrgPerson\nuid: lina\ncn: 李娜\nsn: 李\nuserPassword: Ln-ldap-2026\n`,
        `dn: cn=social,${groups}\nobjectClass: groupOfNames\ncn: social\nmember: uid=zhangwei,${people}\n`,
      ].join('\n'),
    );
    h = await ConsoleHarness.start();
    provider = await startTestProvider(`${h.url}/api/v1/auth/oidc/callback`);
    const f = h.factory;
    const site = await f.site({ name: '县便民服务中心' });
    town = await f.site({ name: '城关镇便民服务中心', kind: 'town', parentId: site.id });
    const department = await f.department({ name: '社保局' });
    // a gateway nobody listens on: the login is what is shown, not a desktop picture
    const gateway = await f.gateway({ siteId: site.id, port: await freePort() });
    const pool = await f.pool(department.id, site.id, [gateway.id]);
    await f.desktop(pool.id); // zhangwei's, below
    await f.desktop(pool.id); // wangfang's
    hall = { site, department };
  });
  after(async () => {
    await provider?.close();
    await h?.stop();
    await slapd?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('makes an LDAP source in the form, tests the connection and syncs now, each with its result', async () => {
    const { page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/identity', 'page-identity-ldap');
    await page.getByTestId('create').click();
    const form = page.getByTestId('entity-form');
    await form.locator('#f-name').fill('县政务外网目录');
    await form.locator('#f-urls').fill(`ldap://127.0.0.1:${await freePort()}\n${slapd.url}`);
    await form.locator('#f-timeoutMs').fill('2000');
    await form.locator('#f-baseDn').fill(people);
    await form.locator('#f-serviceDn').fill(SERVICE_DN);
    await form.locator('#f-servicePassword').fill('svc-pass-2026');
    await form.locator('#f-groupBaseDn').fill(groups);
    // a department the county does not have is refused beside the field, with its line
    await form.locator('#f-groupMappings').fill(`cn=social,${groups} | 不存在的局 | | clerk`);
    await page.getByTestId('form-submit').click();
    await form.getByText('第 1 行：找不到「不存在的局」').first().waitFor();
    await h.shot(page, 'identity-ldap-mapping-error');
    await form.locator('#f-groupMappings').fill(`cn=social,${groups} | 社保局 | | clerk`);
    await page.getByTestId('form-submit').click();
    const row = page.locator('[data-testid="page-identity-ldap-table"] tr', { hasText: '县政务外网目录' });
    await row.waitFor();
    const [saved] = (await h.broker.admin.get('/api/v1/identity-sources')).body.items;
    assert.deepEqual(saved.groupMappings, [{ groupDn: `cn=social,${groups}`, departmentIds: [hall.department.id], poolIds: [], roles: ['clerk'] }]);
    assert.equal(saved.hasServicePassword, true);

    await row.getByTestId('identity-test').click();
    const probe = page.getByTestId('identity-probe');
    await probe.waitFor();
    await textMatching(probe, /连接正常/);
    assert.equal(await probe.getByTestId('identity-probe-server').count(), 2);
    await textMatching(probe.getByTestId('identity-probe-server').first(), /不可用/);
    await textMatching(probe, /服务账号可见 2 个用户/);
    await h.shot(page, 'identity-ldap-test');
    await page.keyboard.press('Escape');

    // zhangwei signs in once (the account appears), then leaves the directory: the sync disables him
    const window = await h.factory.windowWithTerminal(hall.site.id);
    assert.equal((await window.client.post('/api/v1/terminal/sessions', { username: 'zhangwei', password: 'Zw-ldap-2026' })).status, 201);
    slapd.ldif(`dn: cn=social,${groups}\nchangetype: delete\n\ndn: uid=zhangwei,${people}\nchangetype: delete\n`);
    await row.getByTestId('identity-sync').click();
    const result = page.getByTestId('identity-sync-result');
    await result.waitFor();
    await textMatching(result, /核对 1 个账号，停用 1 个/);
    await h.shot(page, 'identity-ldap-sync');
    await page.keyboard.press('Escape');
    await eventually(async () => (await h.broker.admin.get('/api/v1/accounts?q=zhangwei')).body.items[0]?.disabled === true);
  });

  it('makes an OpenID provider for the county hall and tests it; a login rule for the town', async () => {
    const { page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/identity?tab=oidc', 'page-identity-oidc');
    await page.getByTestId('create').click();
    const form = page.getByTestId('entity-form');
    await form.locator('#f-name').fill('省统一身份认证平台');
    await form.locator('#f-siteId').selectOption(hall.site.id);
    await form.locator('#f-issuer').fill(provider.issuer);
    await form.locator('#f-clientId').fill(provider.clientId);
    await form.locator('#f-clientSecret').fill(provider.clientSecret);
    assert.equal(await form.locator('#f-redirectUri').inputValue(), `${h.url}/api/v1/auth/oidc/callback`, 'the callback of this broker is offered');
    await form.locator('#f-claimMappings').fill('groups=hall-clerks | 社保局 | | clerk');
    await page.getByTestId('form-submit').click();
    const row = page.locator('[data-testid="page-identity-oidc-table"] tr', { hasText: '省统一身份认证平台' });
    await row.waitFor();
    await row.getByTestId('identity-test').click();
    await page.getByTestId('identity-probe').getByText('连接正常').waitFor();
    await h.shot(page, 'identity-oidc-test');
    await page.keyboard.press('Escape');

    await page.getByRole('tab', { name: '登录规则' }).click();
    await page.getByTestId('page-identity-rules').waitFor();
    await page.getByTestId('create').click();
    await form.locator('#f-name').fill('城关镇窗口人员只在本镇登录');
    await form.locator('#f-siteId').selectOption(town.id);
    await form.locator('#f-roles input[data-value="clerk"]').check();
    await form.locator('#f-windowsAtHomeSite').check();
    await form.locator('#f-hoursFrom').fill('08:00');
    await form.locator('#f-hoursTo').fill('18:00');
    await page.getByTestId('form-submit').click();
    const rule = page.locator('[data-testid="page-identity-rules-table"] tr', { hasText: '城关镇窗口人员只在本镇登录' });
    await rule.getByText('只能在本人所属站点的窗口登录；工作日 08:00–18:00').waitFor();
    await h.shot(page, 'identity-rules');
    const [saved] = (await h.broker.admin.get('/api/v1/login-rules')).body.items;
    assert.deepEqual(
      { siteId: saved.siteId, roles: saved.roles, windowsAtHomeSite: saved.windowsAtHomeSite, hours: saved.hours },
      { siteId: town.id, roles: ['clerk'], windowsAtHomeSite: true, hours: { from: '08:00', to: '18:00', workingDaysOnly: true, timeZone: 'Asia/Shanghai' } },
    );
  });

  it('a single sign-on the platform gives no grant comes back to the sign-in page with the reason in Chinese', async () => {
    provider.signInAs({ sub: '3001', preferred_username: 'canteen1', name: '食堂', groups: ['canteen'] });
    const { page } = await h.newPage();
    await page.goto(`${h.url}/console/`);
    await page.getByTestId('login-sso').click();
    await page.getByTestId('login-form').getByText('该统一身份认证账号未获授权使用云桌').waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the fragment is gone: a reload does not say it again');
    await h.shot(page, 'identity-sso-refused');
  });

  it("the window page offers the platform only at its site's windows and signs the clerk in through it", async () => {
    // the town under the county hall is offered the county's platform; a site outside it is not
    const townSeat = await h.factory.windowWithTerminal(town.id);
    assert.equal((await townSeat.client.get('/api/v1/terminal/oidc/sources')).body.items.length, 1);
    const elsewhere = await h.factory.site({ name: '邻县便民服务中心' });
    const otherSeat = await h.factory.windowWithTerminal(elsewhere.id);
    const atOther = (await h.newPage()).page;
    await atOther.goto(`${h.url}/terminal#credential=${otherSeat.terminal.credential}`);
    await atOther.getByTestId('login-form').waitFor();
    assert.equal((await otherSeat.client.get('/api/v1/terminal/oidc/sources')).body.items.length, 0);
    assert.equal(await atOther.getByTestId('login-sso').count(), 0, 'no button where no platform is enabled');

    provider.signInAs({ sub: '3002', preferred_username: 'wangfang', name: '王芳', groups: ['hall-clerks'] });
    const seat = await h.factory.windowWithTerminal(hall.site.id);
    const { page } = await h.newPage();
    await page.goto(`${h.url}/terminal#credential=${seat.terminal.credential}`);
    const button = page.getByTestId('login-sso');
    await button.waitFor();
    assert.equal(await button.innerText(), '使用省统一身份认证平台登录');
    await h.shot(page, 'identity-window-sso');
    await button.click();
    await page.waitForURL((u) => u.pathname === '/terminal' && !u.hash.includes('oidcTicket'));
    await page.getByTestId('idle-screen').waitFor({ state: 'detached' });
    const sessions = await eventually(async () => {
      const items = (await seat.client.get('/api/v1/terminal/sessions')).body.items as unknown[];
      return items.length === 1 ? items : null;
    });
    assert.equal(sessions.length, 1, 'the clerk holds a desktop at this window');
    assert.equal(new URL(page.url()).hash, '', 'the ticket is gone from the address bar');
    await h.shot(page, 'identity-window-signed-in');
  });
});
