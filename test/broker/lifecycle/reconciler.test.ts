import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { testDialect } from '../../helpers/test-database.js';
import { BrokerInstance } from '../../../broker/src/lifecycle/instances/broker-instance.model.js';
import { machineId } from '../../../broker/src/lifecycle/instances/broker-instances.js';
import { withLeaderLock } from '../../../broker/src/lifecycle/repairs/leader-lock.js';
import { Terminal } from '../../../broker/src/terminals/terminal.model.js';
import { auditOf, desktopRow, lifecycleHall, sessionRow, sql } from './lifecycle-kit.js';

const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(70)}\n-----END OPENSSH PRIVATE KEY-----\n`;

describe('lifecycle: the reconciler repairs every stale state (injected clock)', function () {
  this.timeout(60_000);
  const clock = new ManualClock();
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker({ clock });
  });
  after(() => broker?.stop());

  const reconcile = () => broker.desktopLifecycle.reconciler.runOnce();
  const repairsOf = async (id: string) => (await auditOf(broker, 'reconciler.repair', id)).map((e) => e.details.kind);
  const now = () => new Date(clock.now());

  /** a clerk with a session in `state` on a fresh one-desktop hall */
  async function sessionIn(state: 'requested' | 'active' | 'disconnected', poolOverrides: Record<string, unknown> = {}) {
    const hall = await lifecycleHall(broker, { poolOverrides });
    const clerk = await hall.clerk();
    const { body } = await clerk.login();
    const id: string = body.session.id;
    if (state !== 'requested') {
      await broker.lifecycle.redeemToken(body.tunnel.token);
      await broker.lifecycle.markConnecting(id, hall.gateway.id);
      await broker.lifecycle.markActive(id, '$c');
    }
    if (state === 'disconnected') await broker.lifecycle.markClosed(id, 'browser-closed');
    return { hall, clerk, id, desktopId: hall.desktops[0].id as string };
  }

  async function onInstance(sessionId: string, instance: { machine?: string; pid?: number; lateMs?: number; stopped?: boolean }) {
    const id = randomUUID();
    await BrokerInstance.create({
      id,
      machine: instance.machine ?? 'other-host/pid:[1]',
      pid: instance.pid ?? 1,
      startedAt: now(),
      heartbeatAt: new Date(clock.now() - (instance.lateMs ?? 0)),
      heartbeatMs: 10_000,
      stoppedAt: instance.stopped ? now() : null,
    });
    await sql(broker, 'UPDATE sessions SET broker_instance = :id WHERE id = :sessionId', { id, sessionId });
    return id;
  }

  it('a session whose broker process stopped heartbeating is disconnected after three missed beats, desktop kept', async () => {
    const s = await sessionIn('active');
    await onInstance(s.id, {});
    await reconcile();
    assert.equal((await sessionRow(broker, s.id)).state, 'active', 'one beat late is not dead');
    clock.advance(31_000);
    const report = await reconcile();
    assert.ok(report.ran);
    assert.deepEqual(
      report.repairs.filter((r) => r.targetId === s.id).map((r) => r.kind),
      ['broker-lost'],
    );
    const row = await sessionRow(broker, s.id);
    assert.equal(row.state, 'disconnected');
    assert.equal((await desktopRow(broker, s.desktopId)).sessionId, s.id, 'the clerk gets the same desktop back at the next login');
    const [audit] = await auditOf(broker, 'reconciler.repair', s.id);
    assert.match(audit.details.reason, /no heartbeat for 3\d s/);
    const moved = await auditOf(broker, 'session.disconnected', s.id);
    assert.equal(moved[0].details.reason, 'broker-lost');
    // the clerk logs in again: same session, same desktop
    const again = await s.clerk.login();
    assert.deepEqual([again.body.session.id, again.body.session.reconnected], [s.id, true]);
    assert.equal((await broker.lifecycle.redeemToken(again.body.tunnel.token)).desktop.id, s.desktopId);
  });

  it('a broker process on this machine whose pid is gone is dead at once; a live pid or a fresh beat is not', async () => {
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.once('exit', () => resolve(child.pid!));
    });
    const dead = await sessionIn('active');
    await onInstance(dead.id, { machine: machineId(), pid: gone, lateMs: 11_000 });
    const alive = await sessionIn('active');
    await onInstance(alive.id, { machine: machineId(), pid: process.pid, lateMs: 11_000 });
    const fresh = await sessionIn('active');
    await onInstance(fresh.id, { machine: machineId(), pid: gone, lateMs: 0 });
    const stopped = await sessionIn('active');
    await onInstance(stopped.id, { stopped: true });
    await reconcile();
    assert.equal((await sessionRow(broker, dead.id)).state, 'disconnected');
    assert.match((await auditOf(broker, 'reconciler.repair', dead.id))[0].details.reason, new RegExp(`process ${gone} is gone`));
    assert.equal((await sessionRow(broker, alive.id)).state, 'active');
    assert.equal((await sessionRow(broker, fresh.id)).state, 'active');
    assert.equal((await sessionRow(broker, stopped.id)).state, 'disconnected');
  });

  it('connecting too long: never connected → ended and the desktop freed; connected before → disconnected', async () => {
    const fresh = await sessionIn('requested');
    const back = await sessionIn('disconnected');
    await broker.lifecycle.markConnecting(back.id, back.hall.gateway.id); // a reconnect that hangs
    clock.advance(119_000);
    await reconcile();
    assert.equal((await sessionRow(broker, fresh.id)).state, 'requested');
    clock.advance(2_000);
    await reconcile();
    const ended = await sessionRow(broker, fresh.id);
    assert.deepEqual([ended.state, ended.endReason], ['ended', 'connect-timeout']);
    assert.equal((await desktopRow(broker, fresh.desktopId)).state, 'free');
    assert.equal((await sessionRow(broker, back.id)).state, 'disconnected');
    assert.equal((await desktopRow(broker, back.desktopId)).sessionId, back.id);
    assert.deepEqual(await repairsOf(fresh.id), ['connect-timeout']);
    assert.deepEqual(await repairsOf(back.id), ['connect-timeout']);
  });

  it('an active session whose terminal went offline is disconnected; one that connected after the terminal was last seen is not', async () => {
    const lost = await sessionIn('active');
    await Terminal.update({ online: false, lastSeenAt: now() }, { where: { id: lost.clerk.terminal.id } });
    const agentless = await sessionIn('active');
    clock.advance(1000);
    await Terminal.update({ online: false, lastSeenAt: new Date(clock.now() - 5000) }, { where: { id: agentless.clerk.terminal.id } });
    clock.advance(80_000);
    await reconcile();
    assert.equal((await sessionRow(broker, lost.id)).state, 'active', 'offline for less than the limit');
    clock.advance(11_000);
    await reconcile();
    assert.equal((await sessionRow(broker, lost.id)).state, 'disconnected');
    assert.match((await auditOf(broker, 'reconciler.repair', lost.id))[0].details.reason, /offline for 9\d s/);
    assert.equal((await sessionRow(broker, agentless.id)).state, 'active');
  });

  it('a terminal left online by a dead broker goes offline once its heartbeat is overdue; one beating slowly, or just seen, stays online', async () => {
    const hall = await lifecycleHall(broker);
    const [orphan, slow, fresh] = await Promise.all([1, 2, 3].map(async () => (await hall.f.windowWithTerminal(hall.site.id)).terminal));
    const beat = (id: string, heartbeatMs: number) =>
      Terminal.update({ online: true, lastSeenAt: now(), info: { heartbeatMs } as unknown as Terminal['info'] }, { where: { id } });
    await beat(orphan.id, 10_000);
    await beat(slow.id, 60_000);
    const announced: unknown[] = [];
    const unsubscribe = broker.events.subscribe((e) => void (e.type === 'terminal.changed' && announced.push(e.data)));
    try {
      clock.advance(39_000); // three and a half beats of 10 s plus 5 s of slack is 40 s
      await beat(fresh.id, 10_000);
      await reconcile();
      assert.equal((await Terminal.findByPk(orphan.id))!.online, true, 'not overdue yet');
      clock.advance(2_000);
      const report = await reconcile();
      assert.deepEqual(
        report.repairs.filter((r) => r.kind === 'terminal-stale').map((r) => r.targetId),
        [orphan.id],
      );
      const online = async (id: string) => (await Terminal.findByPk(id))!.online;
      assert.deepEqual([await online(orphan.id), await online(slow.id), await online(fresh.id)], [false, true, true]);
      assert.match((await auditOf(broker, 'reconciler.repair', orphan.id))[0].details.reason, /no broker process has seen it for 41 s/);
      assert.deepEqual(
        announced.filter((d) => (d as { id: string }).id === orphan.id).map((d) => (d as { online: boolean }).online),
        [false],
      );
      await reconcile();
      assert.equal((await auditOf(broker, 'reconciler.repair', orphan.id)).length, 1, 'repaired once');
    } finally {
      unsubscribe();
    }
  });

  it('a disconnected session past its grace is ended by the sweep the reconciler runs', async () => {
    const s = await sessionIn('disconnected', { graceSeconds: 60 });
    clock.advance(61_000);
    const report = await reconcile();
    assert.ok(report.swept >= 1);
    const row = await sessionRow(broker, s.id);
    assert.deepEqual([row.state, row.endReason], ['ended', 'grace-expired']);
    assert.equal((await desktopRow(broker, s.desktopId)).state, 'free');
  });

  it('a desktop held for an ended session, or for no session, is given back; one just claimed is left alone', async () => {
    const lostWrite = await sessionIn('active');
    await sql(broker, `UPDATE sessions SET state = 'ended', live_key = NULL, ended_at = :now, end_reason = 'logoff' WHERE id = :id`, {
      id: lostWrite.id,
      now: now(),
    });
    const nobody = await lifecycleHall(broker);
    const deskId = nobody.desktops[0].id;
    await sql(broker, `UPDATE desktops SET state = 'assigned', session_id = NULL, state_changed_at = :now WHERE id = :id`, { id: deskId, now: now() });
    await reconcile();
    assert.equal((await desktopRow(broker, lostWrite.desktopId)).state, 'assigned', 'inside the orphan grace');
    clock.advance(61_000);
    await reconcile();
    for (const id of [lostWrite.desktopId, deskId]) {
      const d = await desktopRow(broker, id);
      assert.deepEqual([d.state, d.sessionId], ['free', null]);
      assert.deepEqual(await repairsOf(id), ['orphan-desktop']);
    }
  });

  it('a live session whose desktop no longer holds it is ended', async () => {
    const s = await sessionIn('active');
    await sql(broker, `UPDATE desktops SET state = 'free', session_id = NULL WHERE id = :id`, { id: s.desktopId });
    clock.advance(61_000);
    await reconcile();
    const row = await sessionRow(broker, s.id);
    assert.deepEqual([row.state, row.endReason], ['ended', 'desktop-lost']);
    assert.deepEqual(await repairsOf(s.id), ['desktop-lost']);
  });

  it('desktops stuck resetting or starting go to error with the reason; resetting with no action left goes free', async () => {
    const hall = await lifecycleHall(broker, { desktops: ['r', 's', 'n'] });
    const host = await broker.admin.create('/api/v1/ssh-hosts', { name: 'kvm', host: '127.0.0.1', username: 'ops', privateKey: KEY });
    await broker.admin.create('/api/v1/pool-actions', { poolId: hall.pool.id, point: 'on-release', sshHostId: host.id, command: 'true' });
    const r: string = hall.desktops[0].id;
    const s: string = hall.desktops[1].id;
    await sql(broker, `UPDATE desktops SET state = 'resetting', state_changed_at = :now WHERE id = :id`, { id: r, now: now() });
    await sql(broker, `UPDATE desktops SET state = 'starting', state_changed_at = :now WHERE id = :id`, { id: s, now: now() });
    const other = await lifecycleHall(broker);
    const n: string = other.desktops[0].id;
    await sql(broker, `UPDATE desktops SET state = 'resetting', state_changed_at = :now WHERE id = :id`, { id: n, now: now() });
    await reconcile();
    assert.equal((await desktopRow(broker, n)).state, 'free', 'the pool has no on-release action: nothing will clean it');
    assert.deepEqual(await repairsOf(n), ['reset-without-action']);
    clock.advance(599_000);
    await reconcile();
    assert.equal((await desktopRow(broker, r)).state, 'resetting');
    clock.advance(2_000);
    await reconcile();
    const stuck = await desktopRow(broker, r);
    assert.equal(stuck.state, 'error');
    assert.match(stuck.stateReason, /resetting for 601 s \(limit 600 s\)/);
    assert.equal((await desktopRow(broker, s)).state, 'starting');
    clock.advance(300_000);
    await reconcile();
    assert.equal((await desktopRow(broker, s)).state, 'error');
    assert.deepEqual(await repairsOf(r), ['reset-timeout']);
    assert.deepEqual(await repairsOf(s), ['start-timeout']);
  });

  it('an admin forces a session or a desktop to a clean state', async () => {
    const s = await sessionIn('active');
    const reset = await broker.admin.post(`/api/v1/sessions/${s.id}/reset`, { reason: '窗口反映卡死' });
    assert.equal(reset.status, 200);
    assert.deepEqual([reset.body.state, reset.body.endReason], ['ended', 'reset-by-admin']);
    assert.deepEqual([(await desktopRow(broker, s.desktopId)).state, (await desktopRow(broker, s.desktopId)).sessionId], ['free', null]);
    assert.equal((await auditOf(broker, 'session.reset', s.id))[0].details.reason, '窗口反映卡死');

    const held = await sessionIn('active');
    await sql(broker, `UPDATE desktops SET state = 'error', state_reason = 'stuck' WHERE id = :id`, { id: held.desktopId });
    const d = await broker.admin.post(`/api/v1/desktops/${held.desktopId}/reset`, {});
    assert.equal(d.status, 200);
    assert.deepEqual([d.body.state, d.body.sessionId, d.body.stateReason], ['free', null, null]);
    assert.equal((await sessionRow(broker, held.id)).endReason, 'desktop-reset-by-admin');
    const [audit] = await auditOf(broker, 'desktop.free', held.desktopId);
    assert.deepEqual([audit.details.stateBefore, audit.details.stateReasonBefore, audit.actorName], ['error', 'stuck', 'admin']);
  });

  it(testDialect() === 'postgres' ? 'on PostgreSQL one broker runs it at a time (advisory lock)' : 'on SQLite every run proceeds (single writer)', async () => {
    // the first run is inside its work (holding the lock on PostgreSQL) until `release`
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let firstDone = false;
    const first = withLeaderLock(broker.sequelize, () => {
      entered();
      return holding;
    }).finally(() => (firstDone = true));
    await inside;
    let secondRan = false;
    const second = await withLeaderLock(broker.sequelize, async () => void (secondRan = true));
    assert.equal(firstDone, false, 'the two runs overlapped');
    if (testDialect() === 'postgres') {
      assert.deepEqual([second, secondRan], [false, false], 'the second broker skips while the first holds the lock');
      release();
      assert.equal(await first, true);
      assert.equal(await withLeaderLock(broker.sequelize, async () => undefined), true, 'released with the transaction');
    } else {
      assert.deepEqual([second, secondRan], [true, true], 'SQLite: the second run proceeds while the first is running');
      release();
      assert.equal(await first, true);
    }
  });
});
