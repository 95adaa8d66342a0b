// Issue 17 item 9 in a real Chromium against a real broker: the hall map, tables, the CSV
// template and the join-token card as a county admin meets them. Screenshots go to
// test/e2e/artifacts/console-week9-*.png for review.
import assert from 'node:assert/strict';
import { ConsoleHarness } from '../console/harness.js';

describe("console: a county admin's first week, item 9 (issue 17)", function () {
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

  it('an offline terminal shows as offline even behind a disconnected session, and warns on an in-use tile', async () => {
    const { site, department, pool } = await h.factory.hall({ desktops: 2 });
    const seats = [];
    for (const code of ['OFF-1', 'OFF-2']) {
      const seat = await h.factory.windowWithTerminal(site.id, { code, departmentId: department.id });
      const clerk = await h.factory.account({ homeSiteId: site.id, departmentIds: [department.id], poolIds: [pool.id] });
      const login = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
      assert.equal(login.status, 201, JSON.stringify(login.body));
      seats.push({ ...seat, sessionId: login.body.session.id as string });
    }
    // OFF-1's clerk left (the thin client was switched off); OFF-2's session still works. No agent runs: both terminals are offline.
    assert.equal((await seats[0]!.client.post(`/api/v1/terminal/sessions/${seats[0]!.sessionId}/disconnect`)).status, 200);

    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, `/hall/${site.id}`, 'page-hall');
    const off = page.locator('[data-window-code="OFF-1"]');
    await off.waitFor();
    assert.equal(await off.getAttribute('data-state'), 'offline');
    assert.match(await off.innerText(), /终端离线/);
    const inUse = page.locator('[data-window-code="OFF-2"]');
    assert.equal(await inUse.getAttribute('data-state'), 'in-use');
    await inUse.getByTestId('tile-terminal-offline').waitFor();
    await h.shot(page, 'week9-hall-offline');
    await context.close();
  });

  it('table headers sort through the list API: ascending, then descending, in the one shared table', async () => {
    for (const code of ['SORT-1', 'SORT-3', 'SORT-2']) await h.factory.department({ code, name: `排序${code}` });
    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/departments', 'page-departments');
    const table = page.getByTestId('page-departments-table');
    const codes = async () => (await table.locator('tbody tr td:first-child').allInnerTexts()).map((c) => c.trim());
    const header = table.getByTestId('sort-code');
    await header.click();
    await table.locator('th[aria-sort=ascending]').waitFor();
    const asc = await codes();
    assert.deepEqual(asc, [...asc].sort());
    await header.click();
    await table.locator('th[aria-sort=descending]').waitFor();
    await table.locator('tbody tr').first().getByText('SORT-3', { exact: true }).waitFor();
    const desc = await codes();
    assert.deepEqual(desc, [...asc].reverse(), 'the same rows, the other way round');
    assert.deepEqual(
      desc.filter((c) => c.startsWith('SORT-')),
      ['SORT-3', 'SORT-2', 'SORT-1'],
    );
    assert.match(await table.locator('th[aria-sort=descending]').innerText(), /编码\s*▼/);
    await h.shot(page, 'week9-sorted');
    await context.close();
  });
});
