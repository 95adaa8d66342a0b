// Issue 17 item 9 in a real Chromium against a real broker: the hall map, tables, the CSV
// template and the join-token card as a county admin meets them. Screenshots go to
// test/e2e/artifacts/console-week9-*.png for review.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ConsoleHarness, textMatching } from '../console/harness.js';

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
    await textMatching(off, /终端离线/);
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
    await textMatching(table.locator('th[aria-sort=descending]'), /编码\s*▼/);
    await h.shot(page, 'week9-sorted');
    await context.close();
  });

  it('the CSV template downloads with Chinese headers', async () => {
    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/windows', 'page-windows');
    await page.getByTestId('open-import').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载模板' }).click()]);
    const text = (await readFile((await download.path())!, 'utf8')).replace(/^\ufeff/, '');
    assert.equal(text.split('\r\n')[0], '站点编码,窗口编号,窗口名称,部门编码,区域,列,行');
    await context.close();
  });

  it('the join-token card shows the install command with this broker and the token, and the token in it enrolls a terminal', async () => {
    const site = await h.factory.site({ code: 'JOIN-T', name: '入网镇中心', kind: 'county' });
    const { context, page } = await h.newPage();
    await h.login(page);
    await h.open(page, '/terminals', 'page-terminals');
    const form = page.getByTestId('join-token-form');
    await form.locator('select').first().selectOption(site.id);
    await form.locator('button.btn-primary').click();
    const install = page.getByTestId('join-token-install');
    await install.waitFor();
    const command = await install.locator('pre').innerText();
    const token = (await page.getByTestId('join-token-fresh').locator('pre').first().innerText()).trim();
    assert.match(command, new RegExp(`broker-url string ${h.url.replace(/[.]/g, '\\.')}'`));
    assert.ok(command.includes(`join-token password ${token}'`), command);
    assert.match(command, /debconf-set-selections\nDEBIAN_FRONTEND=noninteractive apt-get install -y \.\/yunzhuo-agent_\*_all\.deb$/);
    await h.shot(page, 'week9-join-token');
    const enrolled = await fetch(`${h.url}/api/v1/agent/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ joinToken: token, hardwareId: 'hw-week9', name: '入网终端' }),
    });
    assert.equal(enrolled.status, 201, await enrolled.text());
    await context.close();
  });
});
