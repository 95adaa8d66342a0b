import { Op } from 'sequelize';
import { DesktopSession } from '../../sessions/session.model.js';
import type { SessionLifecycle } from '../../sessions/session-lifecycle.service.js';
import { Desktop } from '../../desktops/desktop.model.js';
import type { Clock } from '../../lib/clock.js';
import { Terminal } from '../../terminals/terminal.model.js';
import type { BrokerInstances } from '../instances/broker-instances.js';
import type { ReconcilerSettings, RepairLog } from './repairs.js';

export interface SessionRepairDeps {
  lifecycle: SessionLifecycle;
  instances: BrokerInstances;
  clock: Clock;
  settings: ReconcilerSettings;
}

const ago = (at: Date | null | undefined, now: number) => (at ? now - new Date(at).getTime() : Infinity);

/** Sessions whose tunnel lived in a broker process that is gone: the clerk's desktop is kept (grace). */
export async function repairBrokerLost(deps: SessionRepairDeps, log: RepairLog): Promise<void> {
  const dead = await deps.instances.dead();
  if (dead.size === 0) return;
  const stranded = await DesktopSession.findAll({ where: { state: { [Op.in]: ['connecting', 'active'] }, brokerInstance: { [Op.in]: [...dead.keys()] } } });
  for (const s of stranded) {
    const reason = `broker process ${s.brokerInstance} ${dead.get(s.brokerInstance!)}`;
    const moved = await deps.lifecycle.disconnect(s.id, null, 'broker-lost');
    if (moved.state === 'disconnected')
      await log.add({ kind: 'broker-lost', targetType: 'session', targetId: s.id, reason }, s.siteId, { brokerInstance: s.brokerInstance });
  }
}

/** `requested`/`connecting` too long: never connected → ended; connected before → disconnected (work kept). */
export async function repairConnectTimeouts(deps: SessionRepairDeps, log: RepairLog): Promise<void> {
  const now = deps.clock.now();
  const limit = deps.settings.connectTimeoutMs;
  const waiting = await DesktopSession.findAll({ where: { state: { [Op.in]: ['requested', 'connecting'] } } });
  for (const s of waiting) {
    const since = s.state === 'connecting' ? s.connectingAt : (s.lastActivityAt ?? s.requestedAt);
    if (ago(since, now) < limit) continue;
    const reason = `${s.state} for ${Math.round(ago(since, now) / 1000)} s`;
    const moved =
      s.activeAt === null ? await deps.lifecycle.end(s.id, null, 'connect-timeout') : await deps.lifecycle.disconnect(s.id, null, 'connect-timeout');
    if (moved.state !== s.state) await log.add({ kind: 'connect-timeout', targetType: 'session', targetId: s.id, reason }, s.siteId, { to: moved.state });
  }
}

/**
 * An active session whose terminal has been offline (agent silent) since before the session
 * became active. A session that (re)connected after the terminal was last seen is left alone:
 * its browser evidently works even if its agent does not, and repairing it would flap.
 */
export async function repairTerminalsOffline(deps: SessionRepairDeps, log: RepairLog): Promise<void> {
  const now = deps.clock.now();
  const active = await DesktopSession.findAll({ where: { state: 'active', terminalId: { [Op.ne]: null } } });
  if (active.length === 0) return;
  const terminals = new Map(
    (
      await Terminal.findAll({
        where: { id: { [Op.in]: [...new Set(active.map((s) => s.terminalId!))] }, online: false, lastSeenAt: { [Op.ne]: null } },
        attributes: ['id', 'lastSeenAt'],
      })
    ).map((t) => [t.id, t]),
  );
  for (const s of active) {
    const t = terminals.get(s.terminalId!);
    if (!t?.lastSeenAt || ago(t.lastSeenAt, now) < deps.settings.terminalOfflineMs) continue;
    if (s.activeAt && s.activeAt.getTime() > t.lastSeenAt.getTime()) continue;
    const moved = await deps.lifecycle.disconnect(s.id, null, 'terminal-offline');
    if (moved.state === 'disconnected') {
      await log.add(
        {
          kind: 'terminal-offline',
          targetType: 'session',
          targetId: s.id,
          reason: `terminal ${t.id} offline for ${Math.round(ago(t.lastSeenAt, now) / 1000)} s`,
        },
        s.siteId,
      );
    }
  }
}

/** A live session whose desktop no longer points back at it (database surgery, a lost write): ended. */
export async function repairDesktopLost(deps: SessionRepairDeps, log: RepairLog): Promise<void> {
  const now = deps.clock.now();
  const live = await DesktopSession.findAll({ where: { state: { [Op.ne]: 'ended' }, desktopId: { [Op.ne]: null } } });
  if (live.length === 0) return;
  const holders = new Map(
    (await Desktop.findAll({ where: { id: { [Op.in]: live.map((s) => s.desktopId!) } }, attributes: ['id', 'sessionId'] })).map((d) => [d.id, d.sessionId]),
  );
  for (const s of live) {
    if (holders.get(s.desktopId!) === s.id || ago(s.requestedAt, now) < deps.settings.orphanGraceMs) continue;
    const moved = await deps.lifecycle.end(s.id, null, 'desktop-lost');
    if (moved.state === 'ended')
      await log.add(
        { kind: 'desktop-lost', targetType: 'session', targetId: s.id, reason: `desktop ${s.desktopId} is no longer held by this session` },
        s.siteId,
      );
  }
}
