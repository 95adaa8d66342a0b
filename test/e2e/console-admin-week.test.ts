// Issue 17 in a real Chromium against a real broker: what a county admin's first week ran into in
// the console. Validation in Chinese (item 3) and the accounts page (item 8). Screenshots go to
// test/e2e/artifacts/console-week-*.png for review.
import assert from 'node:assert/strict';
import { ConsoleHarness } from '../console/harness.js';

/** a message with no Chinese in it (「Invalid input: expected string」) */
const ASCII_ONLY = /^[\x20-\x7e]*$/;

describe('console: a county admin\'s first week (issue 17)', function () {
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
    assert.match(await page.locator('[data-testid=entity-form] .error-message').innerText(), /^编码已存在/);
    await h.shot(page, 'week-duplicate-code');

    const csv = ['站点编码,窗口编号,名称,部门编码,区域,列,行', `${site.code},A-001,好窗口,${department.code},A区,0,0`, `${site.code},A-002,坏部门,XYZ,A区,1,0`, `${site.code},A 003!,坏编号,,A区,2,0`, `${site.code},A-004,坏数字,,A区,abc,0`].join('\n');
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
});
