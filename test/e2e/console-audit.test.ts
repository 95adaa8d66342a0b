// Issue 17 item 5, in Chromium: the audit log reads in Chinese, names people, terminals and rows,
// finds events by Chinese words, and shows a change as a before/after table, not raw JSON.
// Screenshots: test/e2e/artifacts/console-audit-*.png.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConsoleHarness, textMatching } from '../console/harness.js';

describe('console: the audit log for people (Chromium)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let page: Page;

  before(async () => {
    h = await ConsoleHarness.start();
    const f = h.factory;
    const hall = await f.hall({ desktops: 1 });
    await f.account({ username: 'lina01', displayName: '李娜', departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const seat = await f.windowWithTerminal(hall.site.id, { code: 'B-017' });
    const login = await seat.client.post('/api/v1/terminal/sessions', { username: 'lina01', password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const invitation = await seat.client.post('/api/v1/terminal/rating-invitations', { sessionId: login.body.session.id });
    assert.equal(
      (await seat.client.post('/api/v1/terminal/ratings', { invitationId: invitation.body.id, level: 5, tagSetVersion: invitation.body.tagSet.version }))
        .status,
      201,
    );
    assert.equal((await h.broker.admin.patch(`/api/v1/windows/${seat.window.id}`, { label: '不动产综合窗口', posX: 3 })).status, 200);
    page = (await h.newPage()).page;
    await h.login(page);
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('names actions in Chinese and actors by name: the clerk with an address, the terminal at its window', async () => {
    await h.open(page, '/audit', 'page-audit');
    const table = page.getByTestId('audit-table');
    await table.getByText('群众评价').waitFor();
    const text = await table.innerText();
    assert.match(text, /李娜（lina01）/);
    assert.match(text, /窗口 B-017/);
    assert.match(text, /127\.0\.0\.1/);
    assert.doesNotMatch(text, /terminal:|rating\.create|session\.requested/);
    await h.shot(page, 'audit-list');
  });

  it('finds events by Chinese words', async () => {
    await page.getByTestId('audit-search').fill('评价');
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return doc.querySelectorAll('[data-testid=audit-table] tbody tr').length === 1;
    });
    await textMatching(page.getByTestId('audit-table'), /群众评价/);
    await h.shot(page, 'audit-search');
  });

  it('shows a change as a before/after table', async () => {
    await page.getByTestId('audit-search').fill('B-017');
    const row = page.getByTestId('audit-table').locator('tbody tr', { hasText: '窗口 · 修改' });
    await row.click();
    const diff = page.getByTestId('audit-diff');
    await diff.waitFor();
    const changed = await diff.locator('tr[data-changed=true]').allInnerTexts();
    assert.deepEqual(changed.map((r) => r.split('\t')[0]).sort(), ['label', 'posX']);
    assert.match(changed.join('\n'), /不动产综合窗口/);
    assert.equal(await page.locator('pre.json').count(), 0, 'no raw JSON');
    await h.shot(page, 'audit-detail');
  });
});
