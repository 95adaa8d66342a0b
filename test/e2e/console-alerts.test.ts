// Alerts in Chromium (issue 17, Also build): the 告警 page shows an alert the moment it is raised
// (live events, no reload), acknowledges it, lists it in the history once cleared, and edits the
// webhooks and thresholds. Screenshots: test/e2e/artifacts/console-alerts-*.png.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Gateway } from '../../broker/src/gateways/gateway.model.js';
import { ConsoleHarness, textMatching } from '../console/harness.js';
import { eventually } from '../helpers/eventually.js';

describe('console: 告警 (Chromium)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let page: Page;
  let gatewayId: string;

  before(async () => {
    h = await ConsoleHarness.start();
    const saved = await h.broker.admin.request('PUT', '/api/v1/alert-settings', {
      webhooks: [],
      terminalsOfflineThreshold: 50,
      siteThresholds: [],
      raiseAfterSeconds: 0,
      clearAfterSeconds: 0,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const site = await h.factory.site({ name: '桓台县政务服务中心' });
    gatewayId = (await h.factory.gateway({ name: '县大厅网关', siteId: site.id, port: 1 })).id;
    page = (await h.newPage()).page;
    await h.login(page);
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(() => {
    assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page');
  });

  it('an alert raised while the page is open appears without a reload, in Chinese', async () => {
    await h.open(page, '/alerts', 'page-alerts');
    await page.getByText('当前没有告警').waitFor();
    await Gateway.update({ health: 'down' }, { where: { id: gatewayId } });
    await h.broker.alerts.engine.evaluate();
    const subject = page.getByTestId('alert-subject').filter({ hasText: '县大厅网关' });
    await subject.waitFor();
    const text = await page.getByTestId('page-alerts').innerText();
    assert.match(text, /网关离线/);
    assert.match(text, /127\.0\.0\.1:1 无法连接/);
    assert.match(text, /桓台县政务服务中心/);
    assert.match(text, /未配置推送/);
    await h.shot(page, 'alerts-open');
  });

  it('acknowledge: the button gives way to who acknowledged it', async () => {
    await page.getByTestId('alert-acknowledge').click();
    await page.getByText('已确认该告警').waitFor();
    await eventually(async () => (await page.getByTestId('alert-acknowledge').count()) === 0);
    await textMatching(page.getByTestId('page-alerts'), /admin \d{4}/);
    const audit = await h.broker.admin.get('/api/v1/audit-events?action=alert.acknowledge');
    assert.equal(audit.body.total, 1);
  });

  it('a cleared alert leaves the current list and is in the history', async () => {
    await Gateway.update({ health: 'up' }, { where: { id: gatewayId } });
    await h.broker.alerts.engine.evaluate(); // seen gone (clear delay 0: cleared at once)
    await page.getByText('当前没有告警').waitFor();
    await page.getByRole('tab', { name: '历史记录' }).click();
    await page.getByTestId('alert-subject').filter({ hasText: '县大厅网关' }).waitFor();
    await textMatching(page.getByTestId('page-alerts'), /恢复时间/);
    await h.shot(page, 'alerts-history');
  });

  it('settings: a WeCom robot and a threshold are saved (and refused in Chinese when wrong)', async () => {
    await page.getByRole('tab', { name: '告警设置' }).click();
    await page.getByTestId('alert-webhook-add').click();
    await page.getByTestId('alert-webhook-url').fill('ftp://nope');
    await page.getByTestId('alert-settings-save').click();
    await page
      .getByText(/必须是 http:\/\/ 或 https:\/\/ 开头的地址/)
      .first()
      .waitFor();
    await page.getByTestId('alert-webhook-url').fill('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc');
    await page.getByTestId('alert-threshold').fill('8');
    await page.getByTestId('alert-settings-save').click();
    await page.getByText('告警设置已保存').waitFor();
    const settings = (await h.broker.admin.get('/api/v1/alert-settings')).body;
    assert.deepEqual(settings.webhooks, [{ url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', style: 'wecom', msgtype: 'markdown' }]);
    assert.equal(settings.terminalsOfflineThreshold, 8);
    await h.shot(page, 'alerts-settings');
  });
});
