import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { AuditService } from '../../../broker/src/audit/audit.service.js';
import { Desktop } from '../../../broker/src/desktops/desktop.model.js';
import { DesktopActions } from '../../../broker/src/lifecycle/actions/desktop-actions.service.js';
import { HealthMonitor } from '../../../broker/src/lifecycle/health/health-monitor.js';
import { KnownHosts } from '../../../broker/src/lifecycle/ssh/known-hosts.js';
import type { Prober } from '../../../broker/src/lifecycle/health/probes.js';
import type { SshExecutor } from '../../../broker/src/lifecycle/ssh/ssh-executor.js';
import { inWarmupWindow, isWorkingDay, localTime, startsAllowed } from '../../../broker/src/lifecycle/warmup/warmup-calendar.js';
import { WarmupService } from '../../../broker/src/lifecycle/warmup/warmup.service.js';
import { loadOrCreateSecretKey, SecretBox } from '../../../broker/src/lib/secret-box.js';
import { lifecycleHall } from './lifecycle-kit.js';

const CAL = { enabled: true, timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], readyBy: '08:00', leadMinutes: 60, desktops: 6, maxConcurrentStarts: 2 };
const at = (local: string) => Date.parse(`${local}+08:00`);
const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(70)}\n-----END OPENSSH PRIVATE KEY-----\n`;

describe('lifecycle: warm-up calendar (pure)', () => {
  it("reads local time in the calendar's zone", () => {
    assert.deepEqual(localTime(at('2026-11-30T07:05:00'), 'Asia/Shanghai'), { date: '2026-11-30', weekday: 1, minutes: 425 });
    // 23:30 UTC on Sunday is already Monday morning in Shanghai
    assert.deepEqual(localTime(Date.parse('2026-11-29T23:30:00Z'), 'Asia/Shanghai'), { date: '2026-11-30', weekday: 1, minutes: 450 });
  });

  it('working days: weekdays, minus listed holidays, plus listed make-up days (调休)', () => {
    const listed = new Map([
      ['2026-10-01', 'holiday' as const],
      ['2026-10-10', 'workday' as const],
    ]);
    assert.equal(isWorkingDay(CAL, localTime(at('2026-10-01T07:30:00'), 'Asia/Shanghai'), listed), false, 'National Day, a Thursday');
    assert.equal(isWorkingDay(CAL, localTime(at('2026-10-10T07:30:00'), 'Asia/Shanghai'), listed), true, 'a Saturday made a working day');
    assert.equal(isWorkingDay(CAL, localTime(at('2026-10-11T07:30:00'), 'Asia/Shanghai'), listed), false, 'an ordinary Sunday');
  });

  it('the window is [readyBy − lead, readyBy) on working days only', () => {
    const none = new Map();
    assert.equal(inWarmupWindow(CAL, at('2026-11-30T06:59:00'), none), false);
    assert.equal(inWarmupWindow(CAL, at('2026-11-30T07:00:00'), none), true);
    assert.equal(inWarmupWindow(CAL, at('2026-11-30T07:59:00'), none), true);
    assert.equal(inWarmupWindow(CAL, at('2026-11-30T08:00:00'), none), false);
    assert.equal(inWarmupWindow({ ...CAL, enabled: false }, at('2026-11-30T07:30:00'), none), false);
  });

  it('starts only what reaches the target, never past the cap', () => {
    assert.equal(startsAllowed(6, 0, 0, 2), 2);
    assert.equal(startsAllowed(6, 0, 2, 2), 0);
    assert.equal(startsAllowed(6, 5, 0, 2), 1);
    assert.equal(startsAllowed(6, 7, 0, 2), 0);
  });
});

describe('lifecycle: warm-up with an injected clock', function () {
  this.timeout(60_000);
  // the warm-up's own clock: the broker keeps real time, so days pass without firing its timers
  const clock = new ManualClock(at('2026-11-30T06:50:00')); // a Monday
  let broker: TestBroker;
  /** desktop ports the fake hypervisor has powered on */
  const poweredOn = new Set<number>();
  const commands: string[] = [];
  /** the pool under test names its desktops d0…dN on ports base+0…base+N */
  let base = 0;
  // a fake hypervisor behind the SshExecutor interface: `virsh start 'dN'` powers on port base+N
  const executor: SshExecutor = {
    async exec(_endpoint, command) {
      commands.push(command);
      poweredOn.add(base + Number(/'d(\d+)'/.exec(command)![1]));
      return { outcome: 'ok', exitCode: 0, signal: null, stdout: 'started', stderr: '', error: null, fingerprint: null, durationMs: 5 };
    },
  };
  const prober: Prober = {
    desktop: async (_host, port) => ({ ok: poweredOn.has(port), detail: poweredOn.has(port) ? '' : 'ECONNREFUSED', ms: 1 }),
    gateway: async () => ({ ok: true, detail: '', ms: 1 }),
  };
  let warmup: WarmupService;
  let health: HealthMonitor;
  let actions: DesktopActions;

  before(async () => {
    broker = await startTestBroker();
    const audit = new AuditService(clock);
    const logger = pino({ level: 'silent' });
    actions = new DesktopActions({
      secrets: new SecretBox(loadOrCreateSecretKey(broker.dataDir)),
      executor,
      knownHosts: new KnownHosts(audit, clock),
      audit,
      events: broker.events,
      clock,
      logger,
    });
    warmup = new WarmupService({ actions, audit, events: broker.events, clock });
    health = new HealthMonitor({ prober, audit, events: broker.events, clock, logger, settings: { failuresToDown: 1 } });
  });
  after(() => broker?.stop());

  /** a pool of `n` powered-off desktops (ports 41000+) with a start action and a calendar */
  async function warmPool(n: number, firstPort: number, calendar = CAL) {
    base = firstPort;
    const hall = await lifecycleHall(broker, { desktops: [] });
    for (let i = 0; i < n; i++) await hall.f.desktop(hall.pool.id, { name: `d${i}`, port: base + i });
    const host = await broker.admin.create('/api/v1/ssh-hosts', { name: 'kvm', host: '127.0.0.1', username: 'ops', privateKey: KEY });
    await broker.admin.create('/api/v1/pool-actions', { poolId: hall.pool.id, point: 'start', sshHostId: host.id, command: 'virsh start {{desktop.name}}' });
    await broker.admin.request('PUT', `/api/v1/pools/${hall.pool.id}/lifecycle`, { probeDesktops: true, warmup: calendar });
    await health.runCycle(); // all powered off: down
    return hall.pool.id as string;
  }
  const count = (poolId: string, where: Record<string, unknown>) => Desktop.count({ where: { poolId, ...where } });

  it('brings the target up before readyBy, never more than the cap starting at once', async () => {
    const poolId = await warmPool(10, 41000);
    assert.equal(await count(poolId, { health: 'down' }), 10);

    assert.deepEqual(await warmup.tick(), [], 'before the window nothing starts');
    clock.advance(10 * 60_000); // 07:00
    let peakStarting = 0;
    for (let minute = 0; minute < 15; minute++) {
      await warmup.tick();
      await actions.settled();
      peakStarting = Math.max(peakStarting, await count(poolId, { state: 'starting' }));
      await health.runCycle(); // started ones answer: up, and free
      clock.advance(60_000);
    }
    assert.equal(peakStarting, 2, 'the boot-storm cap holds');
    assert.equal(await count(poolId, { state: 'free', health: 'up' }), 6, 'the target is up and healthy');
    assert.equal(await count(poolId, { state: 'starting' }), 0);
    assert.equal(commands.filter((c) => c.startsWith('virsh')).length, 6, 'no desktop beyond the target was started');
    const starts = await broker.admin.get(`/api/v1/action-runs?poolId=${poolId}&point=start`);
    assert.equal(starts.body.total, 6);
  });

  it('skips listed holidays and weekends, and warms a listed make-up working day', async () => {
    const poolId = await warmPool(3, 42000, { ...CAL, desktops: 3, maxConcurrentStarts: 3 });
    const put = (date: string, kind: string) =>
      broker.admin.request('PUT', `/api/v1/calendar-days/${date}`, { kind, label: kind === 'holiday' ? '假日' : '调休上班' });
    assert.equal((await put('2026-12-01', 'holiday')).status, 200);
    assert.equal((await put('2026-12-05', 'workday')).status, 200);
    /** the pool's tick at a local time: none when it is outside its warm-up window */
    const tickAt = async (local: string) => {
      clock.advance(at(local) - clock.now());
      const ticks = await warmup.tick();
      await actions.settled();
      return ticks.filter((t) => t.poolId === poolId);
    };
    assert.deepEqual(await tickAt('2026-12-01T07:30:00'), [], 'a listed holiday on a Tuesday');
    assert.equal(await count(poolId, { state: 'starting' }), 0);
    const saturday = await tickAt('2026-12-05T07:30:00');
    assert.equal(saturday.length, 1, 'a Saturday listed as a working day');
    assert.equal(saturday[0]!.started.length, 3);
    assert.deepEqual(await tickAt('2026-12-06T07:30:00'), [], 'an ordinary Sunday');
    assert.deepEqual(
      (await broker.admin.get('/api/v1/calendar-days?from=2026-12-01&to=2026-12-31')).body.items.map((d: { date: string; kind: string }) => [d.date, d.kind]),
      [
        ['2026-12-01', 'holiday'],
        ['2026-12-05', 'workday'],
      ],
    );
  });
});
