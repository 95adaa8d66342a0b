// Night power schedules (issue 17) on a ManualClock: power-off at its minute and not one tick
// before, wake-on-LAN at its minute (the broker's packets reach a UDP receiver), once a day,
// working days only when so set, a time already past when saved waits for tomorrow; scoped like
// any site row.
import assert from 'node:assert/strict';
import { Terminal } from '../../../broker/src/terminals/terminal.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { ADMIN_PASSWORD, startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { UdpReceiver } from '../../helpers/udp-receiver.js';

const MINUTE = 60_000;

async function startAt(localTime: string, receiver: UdpReceiver, checkSeconds = 30): Promise<{ broker: TestBroker; clock: ManualClock; f: Factory }> {
  const clock = new ManualClock(Date.parse(localTime));
  const broker = await startTestBroker({
    clock,
    env: {
      YUNZHUO_WAKE_BROADCAST: `127.0.0.1:${receiver.port}`,
      YUNZHUO_POWER_SCHEDULE_CHECK_SECONDS: String(checkSeconds),
      YUNZHUO_HALL_TIME_ZONE: 'Asia/Shanghai',
    },
  });
  return { broker, clock, f: new Factory(broker.admin) };
}

/** moves the clock and waits for the schedule check it fired to finish */
async function advance(broker: TestBroker, clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  await broker.powerScheduler.settled();
}

const runs = async (broker: TestBroker) =>
  (await broker.admin.get('/api/v1/audit-events?action=power-schedule.run&pageSize=50&order=asc')).body.items as Array<{
    targetId: string;
    details: { step: string; total: number; date: string };
  }>;

describe('night power schedules on the Clock (issue 17)', function () {
  this.timeout(60_000);
  let receiver: UdpReceiver;
  before(async () => {
    receiver = await UdpReceiver.open();
  });
  after(() => receiver.close());

  describe('on a Monday evening', () => {
    let broker: TestBroker;
    let clock: ManualClock;
    let f: Factory;
    let siteId: string;
    let scheduleId: string;
    before(async () => {
      // checks every 30 s from 18:29:29: one lands at 18:29:59, the next at 18:30:29
      ({ broker, clock, f } = await startAt('2026-12-07T18:29:29+08:00', receiver));
      siteId = (await f.site({ code: 'NIGHT', name: '夜间站点' })).id;
      for (const [i, mac] of ['52:54:00:00:10:01', '52:54:00:00:10:02'].entries()) {
        const w = await f.window(siteId, { code: `P-0${i + 1}` });
        const t = await f.terminal(siteId, w.id, { name: `终端P${i + 1}` });
        await Terminal.update({ info: { nics: [{ mac, ipv4: `198.51.100.${i + 10}`, netmask: '255.255.255.0' }] } }, { where: { id: t.id } });
      }
      const res = await broker.admin.post('/api/v1/power-schedules', { siteId, powerOffAt: '18:30', wakeAt: '18:45' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      scheduleId = res.body.id;
      assert.deepEqual([res.body.days, res.body.lastPowerOffOn, res.body.lastWakeOn], ['working-days', null, null]);
    });
    after(() => broker?.stop());

    it('powers off at 18:30, not at 18:29:59; once that day', async () => {
      await advance(broker, clock, 30_000); // the check at 18:29:59, one tick before
      assert.deepEqual(await runs(broker), []);
      await advance(broker, clock, 30_000); // the check at 18:30:29, one tick after
      const [off] = await eventually(async () => {
        const r = await runs(broker);
        return r.length === 1 && r;
      });
      assert.deepEqual([off!.targetId, off!.details.step, off!.details.total, off!.details.date], [scheduleId, 'power-off', 2, '2026-12-07']);
      const [bulk] = (await broker.admin.get(`/api/v1/audit-events?action=terminal.bulk-command&targetId=${siteId}`)).body.items;
      assert.deepEqual([bulk.details.type, bulk.details.counts.offline], ['shutdown', 2], 'the terminals (never connected here) are reported offline');
      await advance(broker, clock, 10 * MINUTE); // 18:40:29
      assert.equal((await runs(broker)).length, 1, 'one power-off a day');
      assert.equal((await broker.admin.get(`/api/v1/power-schedules/${scheduleId}`)).body.lastPowerOffOn, '2026-12-07');
    });

    it('wakes at 18:45: the magic packet of each terminal reaches the segment', async () => {
      await advance(broker, clock, 4 * MINUTE + 30_000); // the check at 18:44:59
      assert.equal(receiver.packets.length, 0);
      await advance(broker, clock, 30_000); // 18:45:29
      await eventually(() => receiver.packets.length === 2);
      assert.deepEqual(receiver.packets.map((p) => p.subarray(6, 12).toString('hex')).sort(), ['525400001001', '525400001002']);
      const r = await runs(broker);
      assert.deepEqual(
        r.map((x) => x.details.step),
        ['power-off', 'wake'],
      );
      assert.equal((await broker.admin.get('/api/v1/audit-events?action=terminal.wake')).body.items.length, 2);
    });

    it('a schedule saved after its time waits for tomorrow', async () => {
      const late = await broker.admin.post('/api/v1/power-schedules', { siteId, powerOffAt: '18:40', days: 'every-day' });
      assert.equal(late.body.lastPowerOffOn, '2026-12-07');
      const before = (await runs(broker)).length;
      await advance(broker, clock, 2 * MINUTE);
      assert.equal((await runs(broker)).length, before);
    });

    it('is scoped: a town admin cannot read or write the county schedule; a bad time is refused in Chinese', async () => {
      const town = await f.site({ code: 'NIGHT-T', kind: 'town', parentId: siteId });
      await f.account({ username: 'night-town', roles: ['site-admin'], homeSiteId: town.id, password: 'Night-town-2026' });
      const townAdmin = new ApiClient(broker.url);
      assert.equal((await townAdmin.login('night-town', 'Night-town-2026')).status, 200);
      assertError(await townAdmin.get(`/api/v1/power-schedules/${scheduleId}`), 404, 'NOT_FOUND');
      assertError(await townAdmin.post('/api/v1/power-schedules', { siteId, powerOffAt: '18:30' }), 403, 'FORBIDDEN');
      assert.equal((await townAdmin.post('/api/v1/power-schedules', { siteId: town.id, powerOffAt: '18:30' })).status, 201);
      const bad = await broker.admin.post('/api/v1/power-schedules', { siteId, powerOffAt: '25:00' });
      assertError(bad, 400, 'VALIDATION_FAILED');
      assert.match(JSON.stringify(bad.body.error.details), /24 小时制/);
      assertError(await broker.admin.post('/api/v1/power-schedules', { siteId }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('switched back on after its time (Monday 18:00, checks every 10 min)', () => {
    let broker: TestBroker;
    let clock: ManualClock;
    after(() => broker?.stop());

    it('waits for tomorrow like a new schedule: nothing at 18:40 or 18:50, power-off Tuesday 18:30', async () => {
      let f: Factory;
      ({ broker, clock, f } = await startAt('2026-12-07T18:00:00+08:00', receiver, 600));
      const siteId = (await f.site({ code: 'REON', name: '重新启用站点' })).id;
      const created = await broker.admin.post('/api/v1/power-schedules', { siteId, powerOffAt: '18:30', enabled: false });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.lastPowerOffOn, null);
      const other = (await broker.admin.post('/api/v1/power-schedules', { siteId, powerOffAt: '18:30', enabled: false })).body;
      await advance(broker, clock, 40 * MINUTE); // 18:40, switched off all along
      assert.deepEqual(await runs(broker), []);

      const on = await broker.admin.patch(`/api/v1/power-schedules/${created.body.id}`, { enabled: true });
      assert.equal(on.status, 200, JSON.stringify(on.body));
      assert.equal(on.body.lastPowerOffOn, '2026-12-07', 'today counts as done');
      const days = await broker.admin.patch(`/api/v1/power-schedules/${other.id}`, { days: 'every-day' });
      assert.equal(days.body.lastPowerOffOn, '2026-12-07', 'other days: today counts as done too');
      const area = await broker.admin.patch(`/api/v1/power-schedules/${other.id}`, { area: 'B 区', enabled: true });
      assert.equal(area.body.lastPowerOffOn, '2026-12-07', 'another area, switched on: the same');

      await advance(broker, clock, 10 * MINUTE); // the check at 18:50, still within the hour
      assert.deepEqual(await runs(broker), [], 'nothing ran today');
      clock.sleep(23 * 60 * MINUTE + 20 * MINUTE); // the night through, asleep: Tuesday 18:10, next check 18:20
      assert.equal((await broker.admin.login('admin', ADMIN_PASSWORD)).status, 200, "yesterday's admin session is over");
      await advance(broker, clock, 10 * MINUTE); // the check at 18:20
      assert.deepEqual(await runs(broker), []);
      await advance(broker, clock, 10 * MINUTE); // the check at Tuesday 18:30
      const r = await eventually(async () => {
        const list = await runs(broker);
        return list.length === 2 && list;
      });
      assert.deepEqual(
        r.map((x) => [x.targetId, x.details.step, x.details.date]).sort(),
        [
          [created.body.id, 'power-off', '2026-12-08'],
          [other.id, 'power-off', '2026-12-08'],
        ].sort(),
      );
    });
  });

  describe('on a Saturday', () => {
    let broker: TestBroker;
    let clock: ManualClock;
    after(() => broker?.stop());

    it('a working-days schedule stays quiet, an every-day one runs and leaves a terminal whose clerk still works on', async () => {
      let f: Factory;
      ({ broker, clock, f } = await startAt('2026-12-12T18:29:30+08:00', receiver));
      const { site, department } = await f.hall({ desktops: 1 });
      const siteId = site.id;
      await f.terminal(siteId, null, { name: '周末终端' });
      const seat = await f.windowWithTerminal(siteId, { departmentId: department.id });
      const clerk = await f.account({ homeSiteId: siteId, departmentIds: [department.id] });
      assert.equal((await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' })).status, 201);
      const work = (await broker.admin.post('/api/v1/power-schedules', { siteId, powerOffAt: '18:30' })).body;
      const daily = (await broker.admin.post('/api/v1/power-schedules', { siteId, powerOffAt: '18:30', days: 'every-day' })).body;
      await advance(broker, clock, MINUTE);
      const r = await eventually(async () => {
        const list = await runs(broker);
        return list.length >= 1 && list;
      });
      assert.deepEqual(
        r.map((x) => x.targetId),
        [daily.id],
      );
      assert.equal((await broker.admin.get(`/api/v1/power-schedules/${work.id}`)).body.lastPowerOffOn, null);
      const [bulk] = (await broker.admin.get(`/api/v1/audit-events?action=terminal.bulk-command&targetId=${siteId}`)).body.items;
      assert.deepEqual([bulk.details.total, bulk.details.counts.offline, bulk.details.counts.refused], [2, 1, 1], 'the working clerk keeps the box');
      const commands = (await broker.admin.get('/api/v1/audit-events?action=terminal.command&pageSize=50')).body.items;
      assert.ok(!commands.some((c: { targetId: string }) => c.targetId === seat.terminal.id), 'no power-off was sent to it');
    });
  });
});
