import assert from 'node:assert/strict';
import { Gateway } from '../../../broker/src/gateways/gateway.model.js';
import { Terminal } from '../../../broker/src/terminals/terminal.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const ROBOT = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123-robot-key';

describe('alerts API: scoped list, acknowledge once (audited), county settings (audited, keys hidden), validation', () => {
  const clock = new ManualClock();
  let broker: TestBroker;
  let f: Factory;
  let town: { id: string };
  let county: { id: string };
  let townAdmin: ApiClient;
  let otherTownAdmin: ApiClient;
  let auditor: ApiClient;
  let gatewayAlertId: string;
  let townAlertId: string;

  before(async () => {
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
    county = await f.site();
    town = await f.site({ parentId: county.id, kind: 'town', name: '索镇便民服务中心' });
    const otherTown = await f.site({ parentId: county.id, kind: 'town', name: '果里镇便民服务中心' });
    const signIn = async (roles: string[], extra: Record<string, unknown>) => {
      const account = await f.account({ roles, password: 'other-pass-1', ...extra });
      const client = new ApiClient(broker.url);
      assert.equal((await client.login(account.username, 'other-pass-1')).status, 200);
      return client;
    };
    townAdmin = await signIn(['site-admin'], { homeSiteId: town.id });
    otherTownAdmin = await signIn(['site-admin'], { homeSiteId: otherTown.id });
    auditor = await signIn(['auditor'], {});

    const saved = await broker.admin.request('PUT', '/api/v1/alert-settings', {
      webhooks: [{ url: ROBOT, style: 'wecom', msgtype: 'markdown' }],
      terminalsOfflineThreshold: 2,
      siteThresholds: [],
      raiseAfterSeconds: 0,
      clearAfterSeconds: 60,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    // a county-wide gateway down, and two terminals of the town offline (new terminals are)
    const gateway = await f.gateway({ port: 1 });
    await Gateway.update({ health: 'down' }, { where: { id: gateway.id } });
    await f.windowWithTerminal(town.id);
    await f.windowWithTerminal(town.id);
    await Terminal.update({ online: false }, { where: { siteId: town.id } });
    await broker.alerts.engine.evaluate();
    const all = (await broker.admin.get('/api/v1/alerts?state=open')).body.items as Array<{ id: string; kind: string; subjectId: string }>;
    gatewayAlertId = all.find((a) => a.kind === 'gateway-down' && a.subjectId === gateway.id)!.id;
    townAlertId = all.find((a) => a.kind === 'terminals-offline' && a.subjectId === town.id)!.id;
  });
  after(async () => {
    await broker?.stop();
  });

  it('lists by scope: the town sees its own and county-wide alerts, not another town’s', async () => {
    const mine = (await townAdmin.get('/api/v1/alerts?state=open')).body.items.map((a: { id: string }) => a.id);
    assert.ok(mine.includes(townAlertId));
    assert.ok(mine.includes(gatewayAlertId));
    const other = (await otherTownAdmin.get('/api/v1/alerts')).body.items.map((a: { id: string }) => a.id);
    assert.ok(!other.includes(townAlertId));
    const shown = (await townAdmin.get('/api/v1/alerts?state=open&kind=terminals-offline')).body.items[0];
    assert.equal(shown.subjectName, '索镇便民服务中心');
    assert.deepEqual(shown.facts, { offline: 2, inService: 2, threshold: 2 });
    assert.deepEqual(
      shown.deliveries.map((d: { url: string; event: string }) => [d.url, d.event]),
      [['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…', 'raised']],
    );
  });

  it('acknowledge: the town acknowledges its alert once (one audit row, a live event); not another town’s, not a county-wide one; an auditor cannot', async () => {
    const seen: string[] = [];
    const stop = broker.events.subscribe((e) => {
      if (e.type === 'alert.changed') seen.push(`${e.data.id}:${e.data.acknowledged}`);
    });
    try {
      assertError(await otherTownAdmin.post(`/api/v1/alerts/${townAlertId}/acknowledge`), 404, 'NOT_FOUND');
      assertError(await townAdmin.post(`/api/v1/alerts/${gatewayAlertId}/acknowledge`), 403, 'FORBIDDEN');
      assertError(await auditor.post(`/api/v1/alerts/${townAlertId}/acknowledge`), 403, 'FORBIDDEN');
      const first = await townAdmin.post(`/api/v1/alerts/${townAlertId}/acknowledge`);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.acknowledgedAt, new Date(clock.now()).toISOString());
      assert.ok(first.body.acknowledgedBy);
      const again = await townAdmin.post(`/api/v1/alerts/${townAlertId}/acknowledge`);
      assert.equal(again.body.acknowledgedAt, first.body.acknowledgedAt);
      const audit = await broker.admin.get(`/api/v1/audit-events?action=alert.acknowledge&targetId=${townAlertId}`);
      assert.equal(audit.body.total, 1, JSON.stringify(audit.body));
      assert.deepEqual(seen, [`${townAlertId}:true`]);
    } finally {
      stop();
    }
  });

  it('settings: county admin only; readers other than the admin see no robot key; the change is audited without the key', async () => {
    assertError(
      await townAdmin.request('PUT', '/api/v1/alert-settings', {
        webhooks: [],
        terminalsOfflineThreshold: 3,
        siteThresholds: [],
        raiseAfterSeconds: 0,
        clearAfterSeconds: 0,
      }),
      403,
      'FORBIDDEN',
    );
    assert.equal((await broker.admin.get('/api/v1/alert-settings')).body.webhooks[0].url, ROBOT);
    assert.equal((await auditor.get('/api/v1/alert-settings')).body.webhooks[0].url, 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…');
    assert.equal((await townAdmin.get('/api/v1/alert-settings')).body.webhooks[0].url, 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…');
    const audit = await broker.admin.get('/api/v1/audit-events?action=alert-settings.update');
    assert.equal(audit.body.total, 1);
    assert.doesNotMatch(JSON.stringify(audit.body.items[0]), /robot-key/);
    assert.equal(audit.body.items[0].after.terminalsOfflineThreshold, 2);
  });

  it('refuses a bad setting in Chinese: a webhook that is not http(s), a threshold of 0', async () => {
    const res = await broker.admin.request('PUT', '/api/v1/alert-settings', {
      webhooks: [{ url: 'ftp://robot', style: 'wecom', msgtype: 'text' }],
      terminalsOfflineThreshold: 0,
      siteThresholds: [],
      raiseAfterSeconds: 0,
      clearAfterSeconds: 0,
    });
    assertError(res, 400, 'VALIDATION_FAILED');
    assert.match(JSON.stringify(res.body), /必须是 http:\/\/ 或 https:\/\/ 开头的地址/);
    assert.equal((await broker.admin.get('/api/v1/alert-settings')).body.terminalsOfflineThreshold, 2, 'unchanged');
  });
});
