// Issue 17 in a real Chromium against a real broker: what a county admin's first week ran into in
// the console. Validation in Chinese (item 3) and the accounts page (item 8). Screenshots go to
// test/e2e/artifacts/console-week-*.png for review.
import assert from 'node:assert/strict';
import { ConsoleHarness, textMatching } from '../console/harness.js';
import { ApiClient } from '../helpers/api-client.js';

/** a message with no Chinese in it (「Invalid input: expected string」) */
const ASCII_ONLY = /^[\x20-\x7e]*$/;

describe("console: a county admin's first week (issue 17)", function () {
  this.timeout(120_000);
  let h: ConsoleHarness;

  before(async () => {
    h = await ConsoleHarness.start();
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('item 3: an empty form, a duplicate code and a bad CSV all speak Chinese and name the field', async () => {
    const site = await h.factory.site({ code: 'WEEK', name: '第一周中心' });
    const department = await h.factory.department({ code: 'WTAX', name: '第一周税务' });
    const { context, page } = await h.newPage();
    await h.login(page);

    await h.open(page, '/windows', 'page-windows');
    await page.getByTestId('create').click();
    await page.getByTestId('form-submit').click();
    const fieldErrors = page.locator('[data-testid=entity-form] .field-error');
    await fieldErrors.first().waitFor();
    const shown = await fieldErrors.allInnerTexts();
    assert.ok(shown.length >= 2, `the missing fields are marked: ${shown.join(' | ')}`);
    for (const m of shown) assert.equal(m, '必填');
    const issues = await page.locator('.error-issues li').allInnerTexts();
    assert.ok(issues.length >= 2);
    for (const m of [...shown, ...issues]) assert.doesNotMatch(m, ASCII_ONLY, m);
    await h.shot(page, 'week-empty-form');

    await h.open(page, '/departments', 'page-departments');
    await page.getByTestId('create').click();
    await page.fill('[data-testid=entity-form] [name=code]', department.code.toLowerCase());
    await page.fill('[data-testid=entity-form] [name=name]', '重复的税务');
    await page.getByTestId('form-submit').click();
    const codeError = page.locator('[data-testid=entity-form] .field-error');
    await codeError.waitFor();
    assert.equal(await codeError.innerText(), '编码已存在，请换一个');
    await textMatching(page.locator('[data-testid=entity-form] .error-message'), /^编码已存在/);
    await h.shot(page, 'week-duplicate-code');

    const csv = [
      '站点编码,窗口编号,名称,部门编码,区域,列,行',
      `${site.code},A-001,好窗口,${department.code},A区,0,0`,
      `${site.code},A-002,坏部门,XYZ,A区,1,0`,
      `${site.code},A 003!,坏编号,,A区,2,0`,
      `${site.code},A-004,坏数字,,A区,abc,0`,
    ].join('\n');
    await h.open(page, '/windows', 'page-windows');
    await page.getByTestId('open-import').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'windows.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-report').waitFor();
    const bad = await page.locator('[data-testid=import-rows] tr.row-bad').allInnerTexts();
    assert.equal(bad.length, 3);
    assert.match(bad[0]!, /部门编码：找不到部门 XYZ/);
    assert.match(bad[1]!, /窗口编号：/);
    assert.match(bad[2]!, /列：应为数字/);
    for (const row of bad) assert.doesNotMatch(row, /unknown|invalid|expected|required|duplicate/i, row);
    await h.shot(page, 'week-import-preview');
    await context.close();
  });

  it('item 8: a held clerk shows 已锁定 with the time left and is unlocked; a window login is 最近登录', async () => {
    const { site, department, pool } = await h.factory.hall({ desktops: 1 });
    const clerk = await h.factory.account({ displayName: '李锁定', homeSiteId: site.id, departmentIds: [department.id], poolIds: [pool.id] });
    const { client } = await h.factory.windowWithTerminal(site.id);
    for (let i = 0; i < 5; i++)
      assert.equal((await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: `guess-${i}` })).status, 401);
    const held = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.match(held.body.error.message, /^登录失败次数过多，请 15 分钟后再试/, 'the window says how long');

    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/accounts', 'page-accounts');
    const row = page.locator('tr', { hasText: '李锁定' });
    await row.getByTestId('account-held').waitFor();
    await textMatching(row, /已锁定[\s\S]*约 15 分钟后自动解除/);
    await h.shot(page, 'week-account-held');
    await row.getByTestId('unlock').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await textMatching(page.getByTestId('confirm-dialog'), /解锁账号「李锁定」[\s\S]*审计日志/);
    await page.getByTestId('confirm-ok').click();
    await row.getByTestId('account-held').waitFor({ state: 'detached' });
    await textMatching(row, /正常/);
    const audit = await h.broker.admin.get(`/api/v1/audit-events?action=account.unlock&targetId=${clerk.id}`);
    assert.equal(audit.body.total, 1, 'the unlock is audited');

    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    await page.reload();
    await page.getByTestId('page-accounts').waitFor();
    const last = await page.locator('tr', { hasText: '李锁定' }).locator('td').nth(7).innerText();
    assert.match(last, /秒|分钟|现在/, `最近登录 shows the window login: ${last}`);
    await h.shot(page, 'week-account-unlocked');
    await context.close();
  });

  it('item 8: 修改密码 in the top bar, and an initial password is replaced before anything else', async () => {
    await h.factory.account({ username: 'week-auditor', displayName: '审计员周', roles: ['auditor'], password: 'Audit-pass-2026' });
    const { context, page } = await h.newPage();
    await h.login(page, 'week-auditor', 'Audit-pass-2026');
    await page.getByTestId('change-password').click();
    const dialog = page.getByTestId('password-dialog');
    await dialog.locator('[name=currentPassword]').fill('wrong-pass-2026');
    await dialog.locator('[name=newPassword]').fill('Audit-pass-2027');
    await dialog.locator('[name=repeat]').fill('Audit-pass-2027');
    await dialog.getByTestId('form-submit').click();
    await dialog.locator('.field-error', { hasText: '当前密码不正确' }).waitFor();
    await h.shot(page, 'week-password-wrong');
    await dialog.locator('[name=currentPassword]').fill('Audit-pass-2026');
    await dialog.getByTestId('form-submit').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await new ApiClient(h.url).login('week-auditor', 'Audit-pass-2027')).status, 200, 'the new password works');
    await context.close();

    // an account made in the console form: 下次登录时须修改密码 is ticked by default
    const admin = await h.newPage();
    await h.login(admin.page);
    await h.open(admin.page, '/accounts', 'page-accounts');
    await admin.page.getByTestId('create').click();
    const form = admin.page.getByTestId('entity-form');
    await form.locator('[name=username]').fill('week-newadmin');
    await form.locator('[name=displayName]').fill('新管理员');
    await form.locator('[name=password]').fill('Initial-pass-1');
    assert.equal(await form.locator('[name=mustChangePassword]').isChecked(), true);
    await admin.page.getByTestId('form-submit').click();
    await admin.page.locator('tr', { hasText: 'week-newadmin' }).waitFor();
    await admin.context.close();
    const created = (await h.broker.admin.get('/api/v1/accounts?q=week-newadmin')).body.items[0];
    await h.broker.admin.patch(`/api/v1/accounts/${created.id}`, { roles: ['site-admin'], homeSiteId: (await h.factory.site()).id });

    const fresh = await h.newPage();
    await fresh.page.goto(`${h.url}/console/`);
    await fresh.page.getByTestId('login-form').waitFor();
    await fresh.page.fill('input[name=username]', 'week-newadmin');
    await fresh.page.fill('input[name=password]', 'Initial-pass-1');
    await fresh.page.click('button[type=submit]');
    const forced = fresh.page.getByTestId('forced-password-change');
    await forced.waitFor();
    await textMatching(forced, /请先修改初始密码[\s\S]*新管理员/);
    await h.shot(fresh.page, 'week-forced-password');
    await forced.locator('[name=currentPassword]').fill('Initial-pass-1');
    await forced.locator('[name=newPassword]').fill('Mine-only-2026');
    await forced.locator('[name=repeat]').fill('Mine-only-2026x');
    await forced.getByTestId('form-submit').click();
    await forced.locator('.field-error', { hasText: '两次输入的新密码不一致' }).waitFor();
    await forced.locator('[name=repeat]').fill('Mine-only-2026');
    await forced.getByTestId('form-submit').click();
    await fresh.page.getByTestId('current-user').waitFor();
    await fresh.context.close();
  });
});
