import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net, { type AddressInfo, type Server } from 'node:net';
import { pino } from 'pino';
import { QueryTypes } from 'sequelize';
import { assertError } from '../../helpers/api-client.js';
import { seedHall } from '../../helpers/bulk-seed.js';
import { FakeGuacd } from '../../helpers/fake-guacd.js';
import { eventually } from '../../helpers/eventually.js';
import { TunnelClient } from '../tunnel/tunnel-test-kit.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { HealthMonitor } from '../../../broker/src/lifecycle/health/health-monitor.js';
import { PoolLifecycle } from '../../../broker/src/lifecycle/pool-lifecycle.model.js';
import type { Prober } from '../../../broker/src/lifecycle/health/probes.js';
import { AuditService } from '../../../broker/src/audit/audit.service.js';
import { systemClock } from '../../../broker/src/lib/clock.js';
import { SecretBox } from '../../../broker/src/lib/secret-box.js';
import type { LiveEvent } from '../../../broker/src/lib/live-events.js';
import { auditOf, desktopRow, lifecycleHall } from './lifecycle-kit.js';

async function listen(port = 0): Promise<Server> {
  const server = net.createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));
/** a loopback port nobody listens on (it was free a moment ago) */
async function deadPort(): Promise<number> {
  const s = await listen();
  const port = portOf(s);
  await close(s);
  return port;
}

describe('lifecycle: health probes', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  const servers: Server[] = [];
  const events: LiveEvent[] = [];

  before(async () => {
    broker = await startTestBroker();
    broker.events.subscribe((e) => events.push(e));
  });
  after(async () => {
    await Promise.all(servers.map(close));
    await broker?.stop();
  });

  it('probes guacd and RDP ports, audits and pushes changes, never assigns a down desktop, and takes it back when it answers', async () => {
    const guacd = await FakeGuacd.start();
    const silent = await FakeGuacd.start({ silentHandshake: true });
    const rdpUp = await listen();
    servers.push(rdpUp);
    const downPort = await deadPort();
    const hall = await lifecycleHall(broker, { desktops: [] });
    const upDesk = await hall.f.desktop(hall.pool.id, { name: 'up', port: portOf(rdpUp) });
    const downDesk = await hall.f.desktop(hall.pool.id, { name: 'down', port: downPort });
    const silentGw = await hall.f.gateway({ host: silent.host, port: silent.port });
    await broker.admin.patch(`/api/v1/gateways/${hall.gateway.id}`, { port: guacd.port });
    assert.equal((await broker.admin.request('PUT', `/api/v1/pools/${hall.pool.id}/lifecycle`, { probeDesktops: true })).status, 200);

    const health = broker.desktopLifecycle.health; // the broker's own, with the real TCP prober
    // one failed probe is a blip, the second in a row is an outage
    await health.runCycle();
    assert.equal((await desktopRow(broker, downDesk.id)).health, 'unknown');
    assert.equal((await desktopRow(broker, upDesk.id)).health, 'up');
    await health.runCycle();
    assert.equal((await desktopRow(broker, downDesk.id)).health, 'down');
    assert.equal((await broker.admin.get(`/api/v1/gateways/${hall.gateway.id}`)).body.health, 'up');
    assert.equal((await broker.admin.get(`/api/v1/gateways/${silentGw.id}`)).body.health, 'down');

    const [downAudit] = await auditOf(broker, 'desktop.health', downDesk.id);
    assert.deepEqual([downAudit.details.from, downAudit.details.to, downAudit.details.detail], ['unknown', 'down', 'ECONNREFUSED']);
    const [gwAudit] = await auditOf(broker, 'gateway.health', silentGw.id);
    assert.match(gwAudit.details.detail, /no answer within 3000 ms/);
    assert.ok(events.some((e) => e.type === 'desktop.changed' && e.data.id === downDesk.id && e.data.health === 'down'));
    assert.ok(events.some((e) => e.type === 'gateway.changed' && e.data.id === silentGw.id && e.data.health === 'down'));

    // the down desktop is never assigned
    const first = await hall.clerk();
    const got = await first.login();
    assert.equal((await broker.lifecycle.redeemToken(got.body.tunnel.token)).desktop.id, upDesk.id);
    const second = await hall.clerk();
    assertError(await second.login(), 503, 'POOL_EXHAUSTED');

    // it comes back by itself when its RDP port answers
    servers.push(await listen(downPort));
    await health.runCycle();
    assert.equal((await desktopRow(broker, downDesk.id)).health, 'up');
    const third = await second.login();
    assert.equal((await broker.lifecycle.redeemToken(third.body.tunnel.token)).desktop.id, downDesk.id);
    assert.deepEqual((await auditOf(broker, 'desktop.health', downDesk.id)).map((e) => e.details.to).sort(), ['down', 'up']);
    await guacd.close();
    await silent.close();
  });

  it('a session whose tunnel goes active proves its desktop and gateway up, in a pool that is never probed', async () => {
    const guacd = await FakeGuacd.start();
    const hall = await lifecycleHall(broker);
    await broker.admin.patch(`/api/v1/gateways/${hall.gateway.id}`, { port: guacd.port });
    const desk = hall.desktops[0]!;
    assert.equal((await desktopRow(broker, desk.id)).health, 'unknown');
    await broker.desktopLifecycle.health.runCycle();
    assert.equal((await desktopRow(broker, desk.id)).health, 'unknown', 'the pool does not allow probes');

    const clerk = await hall.clerk();
    const got = await clerk.login();
    assert.equal(got.status, 201, JSON.stringify(got.body));
    const tunnel = TunnelClient.open(`${broker.url.replace('http', 'ws')}/tunnel`, `token=${encodeURIComponent(got.body.tunnel.token)}&width=1024&height=768`);
    await tunnel.waitFor((i) => i.opcode === 'sync', 30_000);
    await eventually(async () => (await desktopRow(broker, desk.id)).health === 'up', { timeoutMs: 30_000 });
    assert.equal((await broker.admin.get(`/api/v1/gateways/${hall.gateway.id}`)).body.health, 'up');
    const [proof] = await auditOf(broker, 'desktop.health', desk.id);
    assert.deepEqual([proof!.details.from, proof!.details.to, proof!.details.detail], ['unknown', 'up', `live session ${got.body.session.id}`]);
    assert.ok(events.some((e) => e.type === 'desktop.changed' && e.data.id === desk.id && e.data.health === 'up'));
    tunnel.ws.close();
    await tunnel.closed;
    await guacd.close();
  });

  // the Semaphore's own behaviour (bound, order, a throwing task) is semaphore.test.ts's: here, that the monitor uses its setting
  it('a thousand desktops are probed `concurrency` at a time, only in pools that allow probes', async () => {
    const probed = await seedHall(broker.sequelize, new SecretBox(randomBytes(32)), { clerks: 0, desktops: 1000, windows: 0 });
    const unprobed = await seedHall(broker.sequelize, new SecretBox(randomBytes(32)), { clerks: 0, desktops: 50, windows: 0 });
    await PoolLifecycle.create({ poolId: probed.poolId, probeDesktops: true, resetTimeoutSeconds: 600, startTimeoutSeconds: 900, warmup: null });
    let inFlight = 0;
    let peak = 0;
    // gateways and desktops share the slots
    const probe = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return { ok: true, detail: '', ms: 0 };
    };
    const prober: Prober = { desktop: probe, gateway: probe };
    const health = new HealthMonitor({
      prober,
      audit: new AuditService(systemClock),
      events: broker.events,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      settings: { concurrency: 16 },
    });
    const cycle = await health.runCycle();
    assert.equal(peak, 16, 'as many probes at once as the concurrency setting, no more');
    const [row] = await broker.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM desktops WHERE pool_id = :pool AND health = 'up'`, {
      replacements: { pool: probed.poolId },
      type: QueryTypes.SELECT,
    });
    assert.equal(Number(row!.n), 1000);
    const [other] = await broker.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM desktops WHERE pool_id = :pool AND health <> 'unknown'`, {
      replacements: { pool: unprobed.poolId },
      type: QueryTypes.SELECT,
    });
    assert.equal(Number(other!.n), 0, 'a pool without probeDesktops is not probed');
    assert.ok(cycle.probed >= 1000);
  });
});
