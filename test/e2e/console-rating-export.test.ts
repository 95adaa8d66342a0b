// The reports page offers the broker's daily export (issue 19): its links download the ratings
// as CSV with a BOM and as Excel, and the work orders as Excel, with the admin's sign-in.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConsoleHarness } from '../console/harness.js';

describe('console: the reports page downloads the ratings and work orders export', function () {
  this.timeout(120_000);
  let h: ConsoleHarness;
  let page: Page;

  before(async () => {
    h = await ConsoleHarness.start();
    ({ page } = await h.newPage());
    await h.login(page);
    await h.open(page, '/reports', 'page-reports');
  });
  after(() => h?.stop());

  it('each export link answers its file in the signed-in browser', async () => {
    const expected = [
      ['export-ratings-csv', 'text/csv; charset=utf-8', '好差评_'],
      ['export-ratings-xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '好差评_'],
      ['export-rating-work-orders-xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '差评工单_'],
    ] as const;
    for (const [testId, type, name] of expected) {
      const link = page.getByTestId(testId);
      assert.equal(
        await link.innerText(),
        { 'export-ratings-csv': '导出评价明细 CSV', 'export-ratings-xlsx': '导出评价明细 Excel', 'export-rating-work-orders-xlsx': '导出差评工单 Excel' }[
          testId
        ],
      );
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.ok(download.suggestedFilename().startsWith(name), download.suggestedFilename());
      const res = await page.context().request.get(h.broker.url + (await link.getAttribute('href'))!);
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['content-type'], type);
      const body = await res.body();
      if (type.startsWith('text/csv')) assert.match(body.toString('utf8'), /^\uFEFF评价编号,事项编码,办件编号,评价等级/);
      else assert.equal(body.subarray(0, 2).toString('latin1'), 'PK', 'a zip (xlsx)');
    }
  });
});
