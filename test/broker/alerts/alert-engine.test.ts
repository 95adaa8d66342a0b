import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Alert, AlertDelivery } from '../../../broker/src/alerts/alert.model.js';
import { AlertEngine } from '../../../broker/src/alerts/alert-engine.js';
import { AlertSettingsStore } from '../../../broker/src/alerts/alert-settings.js';
import { AlertWebhookSender, DEFAULT_WEBHOOK_TIMING } from '../../../broker/src/alerts/alert-webhooks.js';
import { AuditService } from '../../../broker/src/audit/audit.service.js';
import { Desktop } from '../../../broker/src/desktops/desktop.model.js';
import { Gateway } from '../../../broker/src/gateways/gateway.model.js';
import { Terminal } from '../../../broker/src/terminals/terminal.model.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

interface Received {
  path: string;
  body: { msgtype: string; text?: { content: string }; markdown?: { content?: string; title?: string; text?: string } };
  answered: string;
}

/**
 * A WeCom-like robot on loopback: answers are taken from `script` in order (HTTP 500, a 200 with
 * a refusing errcode, …), then `{"errcode":0}` for good.
 */
function robot(script: Array<{ status: number; body: string }>) {
  const log: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = script.shift() ?? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
      log.push({
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'],
        answered: `${answer.status} ${answer.body}`,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  return { log, server };
}

describe('alerts: hysteresis, one open alert per subject, webhook retries on the clock', () => {
  const clock = new ManualClock();
  let broker: TestBroker;
  let f: Factory;
  let receiver: ReturnType<typeof robot>;
  let robotUrl: string;

  before(async () => {
    receiver = robot([
      { status: 500, body: 'busy' },
      { status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' },
    ]);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    robotUrl = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=robot-secret-key`;
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
    const saved = await broker.admin.request('PUT', '/api/v1/alert-settings', {
      webhooks: [{ url: robotUrl, style: 'wecom', msgtype: 'text' }],
      terminalsOfflineThreshold: 4,
      siteThresholds: [],
      raiseAfterSeconds: 60,
      clearAfterSeconds: 120,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  });
  after(async () => {
    await broker.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  const engine = () => broker.alerts.engine;
  /**
   * Moves the clock and lets what its timers started finish (the engine's own read, a health cycle)
   * before the test changes a condition: a read the test asks for would otherwise join one still
   * under way, started before the change, and never see it (a busy machine made this happen).
   */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await broker.desktopLifecycle.health.runCycleIfRunning();
    await engine().evaluate();
  };
  const openAlerts = (kind: string) => Alert.findAll({ where: { kind, state: 'open' } });

  it('a gateway down for less than the raise delay raises nothing; down for the whole delay raises one alert, once', async () => {
    // a port nothing listens on: no probe of this test's could bring it up
    const gateway = await f.gateway({ port: 1 });
    await Gateway.update({ health: 'down' }, { where: { id: gateway.id } });
    await engine().evaluate();
    await advance(30_000);
    // back up before the delay: the pending raise is forgotten
    await Gateway.update({ health: 'up' }, { where: { id: gateway.id } });
    await engine().evaluate();
    await Gateway.update({ health: 'down' }, { where: { id: gateway.id } });
    await engine().evaluate();
    await advance(59_999);
    await engine().evaluate();
    assert.equal((await openAlerts('gateway-down')).length, 0, 'nothing one tick before the delay (counted from the second fall)');
    await advance(1);
    await engine().evaluate();
    const [alert] = await openAlerts('gateway-down');
    assert.ok(alert, 'raised at the delay');
    assert.equal(alert.subjectId, gateway.id);
    assert.equal(alert.openKey, `gateway-down:${gateway.id}`);
    // read again and again: still the one alert
    await advance(15_000);
    await engine().evaluate();
    await engine().evaluate();
    assert.equal(await Alert.count({ where: { subjectId: gateway.id } }), 1);
  });

  it('the webhook gets a WeCom text message; a 500 and a refusing errcode are retried with backoff on the clock until delivered', async () => {
    const alert = (await openAlerts('gateway-down'))[0]!;
    await advance(0); // the kick after the raise: a pass on the next turn of the clock
    await eventually(async () => (await AlertDelivery.findOne({ where: { alertId: alert.id } }))?.attempts === 1);
    let row = (await AlertDelivery.findOne({ where: { alertId: alert.id } }))!;
    assert.equal(row.state, 'pending');
    assert.equal(row.lastError, 'HTTP 500');
    assert.equal(row.nextAttemptAt.getTime(), clock.now() + 10_000, 'first retry after 10 s');
    await advance(9_999);
    await broker.alerts.webhooks.runOnce();
    assert.equal(receiver.log.length, 1, 'no retry one tick before the backoff');
    await advance(1);
    await eventually(async () => (await AlertDelivery.findByPk(row.id))?.attempts === 2);
    row = (await AlertDelivery.findByPk(row.id))!;
    assert.match(row.lastError ?? '', /errcode 45009/);
    assert.equal(row.nextAttemptAt.getTime(), clock.now() + 20_000, 'doubled');
    await advance(20_000);
    await eventually(async () => (await AlertDelivery.findByPk(row.id))?.state === 'delivered');
    assert.equal(receiver.log.length, 3);
    for (const r of receiver.log) {
      assert.equal(r.path, '/cgi-bin/webhook/send?key=robot-secret-key');
      assert.equal(r.body.msgtype, 'text');
      assert.match(r.body.text!.content, /^【云桌告警】网关离线\n网关 guacd-\S+（127\.0\.0\.1:1）无法连接\n站点：全县\n时间：/);
    }
    // the console sees the delivery state, the robot's key hidden
    const list = await broker.admin.get('/api/v1/alerts?state=open');
    const shown = list.body.items.find((a: { id: string }) => a.id === alert.id);
    assert.deepEqual(
      shown.deliveries.map((d: Record<string, unknown>) => [d.event, d.state, d.attempts, d.url]),
      [['raised', 'delivered', 3, `${new URL(robotUrl).origin}/cgi-bin/webhook/send?…`]],
    );
  });

  it('clears only after the gateway has been up for the clear delay; a new fall after that opens a new alert', async () => {
    const alert = (await openAlerts('gateway-down'))[0]!;
    await Gateway.update({ health: 'up' }, { where: { id: alert.subjectId } });
    await engine().evaluate();
    await advance(119_999);
    await engine().evaluate();
    assert.equal((await Alert.findByPk(alert.id))!.state, 'open', 'one tick before the clear delay');
    await advance(1);
    await engine().evaluate();
    const cleared = (await Alert.findByPk(alert.id))!;
    assert.equal(cleared.state, 'cleared');
    assert.equal(cleared.openKey, null);
    assert.equal(cleared.clearedAt?.getTime(), clock.now());
    await advance(0);
    await eventually(async () => (await AlertDelivery.findOne({ where: { alertId: alert.id, event: 'cleared' } }))?.state === 'delivered');
    assert.match(receiver.log.at(-1)!.body.text!.content, /^【云桌恢复】网关离线已恢复/);
    await Gateway.update({ health: 'down' }, { where: { id: alert.subjectId } });
    await engine().evaluate();
    await advance(60_000);
    await engine().evaluate();
    const again = await Alert.findAll({ where: { subjectId: alert.subjectId }, order: [['raisedAt', 'ASC']] });
    assert.deepEqual(
      again.map((a) => [a.id === alert.id, a.state]),
      [
        [true, 'cleared'],
        [false, 'open'],
      ],
    );
  });

  it('terminals offline per site: the site threshold raises, half of it still holds, below half clears', async () => {
    const site = await f.site();
    const terminals: Array<{ id: string }> = [];
    for (let i = 0; i < 4; i++) terminals.push((await f.windowWithTerminal(site.id)).terminal);
    await Terminal.update({ online: true }, { where: { siteId: site.id } });
    const saved = await broker.admin.request('PUT', '/api/v1/alert-settings', {
      webhooks: [],
      terminalsOfflineThreshold: 50,
      siteThresholds: [{ siteId: site.id, terminalsOffline: 3 }],
      raiseAfterSeconds: 0,
      clearAfterSeconds: 60,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const setOffline = (n: number) => Promise.all(terminals.map((t, i) => Terminal.update({ online: i >= n }, { where: { id: t.id } })));
    const siteAlert = async () => Alert.findOne({ where: { kind: 'terminals-offline', subjectId: site.id, state: 'open' } });

    await setOffline(2);
    await engine().evaluate();
    assert.equal(await siteAlert(), null, '2 of the site threshold 3');
    await setOffline(3);
    await engine().evaluate();
    const raised = await siteAlert();
    assert.ok(raised, 'raised at 3 (raise delay 0)');
    assert.deepEqual(JSON.parse(raised.facts), { offline: 3, inService: 4, threshold: 3 });
    // 2 offline: at the hold level (half of 3, rounded up): stays open past the clear delay
    await setOffline(2);
    await engine().evaluate();
    await advance(61_000);
    await engine().evaluate();
    assert.equal((await siteAlert())?.id, raised.id, 'held at 2');
    assert.equal(JSON.parse((await siteAlert())!.facts).offline, 2, 'facts follow the count');
    await setOffline(1);
    await engine().evaluate();
    await advance(60_000);
    await engine().evaluate();
    assert.equal(await siteAlert(), null, 'cleared below half');
    assert.equal((await Alert.findByPk(raised.id))!.state, 'cleared');
  });

  it('pool exhausted and desktop unhealthy are raised from the desktops, one alert per pool and per desktop', async () => {
    const hall = await f.hall({ desktops: 2 });
    await Desktop.update({ health: 'down' }, { where: { poolId: hall.pool.id } });
    await engine().evaluate();
    await engine().evaluate();
    const pools = await Alert.findAll({ where: { kind: 'pool-exhausted', subjectId: hall.pool.id, state: 'open' } });
    assert.equal(pools.length, 1);
    assert.deepEqual(JSON.parse(pools[0]!.facts), { free: 0, busy: 0, total: 2, maxSessions: null });
    const desktops = await Alert.findAll({ where: { kind: 'desktop-unhealthy', state: 'open', siteId: hall.site.id } });
    assert.deepEqual(desktops.map((a) => a.subjectId).sort(), hall.desktops.map((d: { id: string }) => d.id).sort());
  });

  it('a robot that never answers holds up neither the raise nor the API: the request ends at its limit on the clock', async () => {
    const silent = createServer(() => undefined); // takes the request, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const saved = await broker.admin.request('PUT', '/api/v1/alert-settings', {
        webhooks: [{ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/robot/send?access_token=t`, style: 'dingtalk', msgtype: 'markdown' }],
        terminalsOfflineThreshold: 50,
        siteThresholds: [],
        raiseAfterSeconds: 0,
        clearAfterSeconds: 60,
      });
      assert.equal(saved.status, 200);
      const gateway = await f.gateway({ port: 2 });
      await Gateway.update({ health: 'down' }, { where: { id: gateway.id } });
      await engine().evaluate();
      const alert = (await Alert.findOne({ where: { subjectId: gateway.id, state: 'open' } }))!;
      assert.ok(alert);
      await advance(0);
      const hanging = await eventually(async () => {
        const d = await AlertDelivery.findOne({ where: { alertId: alert.id } });
        // leased for the request: its next attempt moved past the request's limit
        return d && d.nextAttemptAt.getTime() > clock.now() && d.attempts === 0 ? d : null;
      });
      assert.equal((await broker.admin.get('/api/v1/alerts?state=open')).status, 200, 'the API answers while the robot hangs');
      const body = JSON.parse(hanging.payload) as { msgtype: string; markdown: { title: string; text: string } };
      assert.equal(body.msgtype, 'markdown');
      assert.equal(body.markdown.title, '【云桌告警】网关离线');
      await advance(10_000); // the request's limit
      await eventually(async () => (await AlertDelivery.findByPk(hanging.id))?.attempts === 1);
      assert.match((await AlertDelivery.findByPk(hanging.id))!.lastError ?? '', /no answer within 10000 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('two broker processes reading at once: one alert, one message, sent once (unique open key, leased delivery)', async () => {
    const saved = await broker.admin.request('PUT', '/api/v1/alert-settings', {
      webhooks: [{ url: robotUrl, style: 'dingtalk', msgtype: 'text' }],
      terminalsOfflineThreshold: 50,
      siteThresholds: [],
      raiseAfterSeconds: 0,
      clearAfterSeconds: 60,
    });
    assert.equal(saved.status, 200);
    // a second "process": its own engine and sender on the same database and clock
    const audit = new AuditService(clock);
    const webhooks = new AlertWebhookSender(clock, DEFAULT_WEBHOOK_TIMING, 'Asia/Shanghai');
    const other = new AlertEngine({
      sequelize: broker.sequelize,
      clock,
      events: broker.events,
      audit,
      settings: new AlertSettingsStore({ sequelize: broker.sequelize, audit, clock }),
      webhooks,
      evaluateMs: 15_000,
    });
    const gateway = await f.gateway({ port: 3 });
    await Gateway.update({ health: 'down' }, { where: { id: gateway.id } });
    const before = receiver.log.length;
    await Promise.all([engine().evaluate(), other.evaluate(), engine().evaluate(), other.evaluate()]);
    const alerts = await Alert.findAll({ where: { subjectId: gateway.id } });
    assert.equal(alerts.length, 1);
    await Promise.all([broker.alerts.webhooks.runOnce(), webhooks.runOnce(), broker.alerts.webhooks.runOnce(), webhooks.runOnce()]);
    await eventually(async () => (await AlertDelivery.findOne({ where: { alertId: alerts[0]!.id } }))?.state === 'delivered');
    assert.equal(await AlertDelivery.count({ where: { alertId: alerts[0]!.id } }), 1);
    assert.equal(receiver.log.length - before, 1, 'posted once');
    await other.close();
    await webhooks.close();
  });
});
