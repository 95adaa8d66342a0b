import assert from 'node:assert/strict';
import { stampingTunnelBroker } from '../../../broker/src/lifecycle/instances/instance-stamp.js';
import type { DeviceUse } from '../../../broker/src/devices/device-use.js';
import type { TunnelBroker } from '../../../broker/src/tunnel/tunnel-target.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

describe('window devices: the pool setting and the audit of every use', () => {
  let broker: TestBroker;
  let f: Factory;

  before(async () => {
    broker = await startTestBroker();
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  it('a pool enables device classes; the window page and the relay both learn them; each use is audited masked', async () => {
    const hall = await f.hall({ desktops: 1, poolOverrides: { settings: { devices: ['idcard', 'camera'] } } });
    assert.deepEqual(hall.pool.settings.devices, ['idcard', 'camera']);
    const clerk = await f.account({ departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const { client, window, terminal } = await f.windowWithTerminal(hall.site.id);
    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    assert.deepEqual(login.body.session.devices, ['idcard', 'camera']);
    const target = await broker.lifecycle.redeemToken(login.body.tunnel.token);
    assert.deepEqual(target.settings.devices, ['idcard', 'camera']);

    const sessionId = login.body.session.id as string;
    await broker.lifecycle.recordDeviceUse(sessionId, {
      requestId: 7,
      op: 'idcard.read',
      deviceClass: 'idcard',
      outcome: 'ok',
      bytes: 3120,
      subject: '3703**********1234',
    });
    await broker.lifecycle.recordDeviceUse(sessionId, {
      requestId: 8,
      op: 'camera.still',
      deviceClass: 'camera',
      outcome: 'DEVICE_ABSENT',
      bytes: 80,
      subject: null,
    });

    const used = await broker.admin.get(`/api/v1/audit-events?targetId=${sessionId}&action=device.used`);
    assert.equal(used.status, 200, JSON.stringify(used.body));
    assert.equal(used.body.items.length, 1);
    assert.deepEqual(used.body.items[0].details, {
      accountId: clerk.id,
      windowId: window.id,
      terminalId: terminal.id,
      device: 'idcard',
      op: 'idcard.read',
      outcome: 'ok',
      bytes: 3120,
      subject: '3703**********1234',
      requestId: 7,
    });
    assert.equal(used.body.items[0].siteId, hall.site.id);
    const refused = await broker.admin.get(`/api/v1/audit-events?targetId=${sessionId}&action=device.refused`);
    assert.equal(refused.body.items.length, 1);
    assert.equal(refused.body.items[0].details.outcome, 'DEVICE_ABSENT');
  });

  it('a pool made without the setting has no devices, and refuses an unknown class', async () => {
    const hall = await f.hall({ desktops: 1 });
    assert.deepEqual(hall.pool.settings.devices, []);
    const bad = await broker.admin.post('/api/v1/pools', {
      name: '坏池',
      departmentId: hall.department.id,
      siteId: hall.site.id,
      gatewayIds: [hall.gateway.id],
      settings: { devices: ['usb-storage'] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
  });

  it("the relay's view of the engine (stamped with the broker process) passes device uses on", async () => {
    const seen: Array<[string, DeviceUse]> = [];
    const engine = { recordDeviceUse: async (sessionId: string, use: DeviceUse) => void seen.push([sessionId, use]) } as unknown as TunnelBroker;
    const use: DeviceUse = { requestId: 1, op: 'idcard.read', deviceClass: 'idcard', outcome: 'ok', bytes: 10, subject: '3703**********1234' };
    await stampingTunnelBroker(engine, 'instance-1').recordDeviceUse!('session-9', use);
    assert.deepEqual(seen, [['session-9', use]]);
  });
});
