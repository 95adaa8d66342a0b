import { Op, QueryTypes, type Sequelize } from 'sequelize';
import { Desktop } from '../../desktops/desktop.model.js';
import type { Clock } from '../../lib/clock.js';
import { releaseDesktop } from '../../sessions/desktop-claim.js';
import type { DesktopActions } from '../actions/desktop-actions.service.js';
import { moveDesktop, publishDesktop, type DesktopStateDeps } from '../desktop-states.js';
import { LIFECYCLE_DEFAULTS, PoolLifecycle } from '../pool-lifecycle.model.js';
import type { ReconcilerSettings, RepairLog } from './repairs.js';

export interface DesktopRepairDeps extends DesktopStateDeps {
  sequelize: Sequelize;
  actions: DesktopActions;
  clock: Clock;
  settings: ReconcilerSettings;
}

/**
 * A desktop held for a session that has ended or does not exist: released the way a logoff
 * releases it (through `resetting` when the pool cleans desktops on release). A hold younger
 * than the orphan grace is left alone: the login writes the desktop a moment before the session.
 */
export async function repairOrphanDesktops(deps: DesktopRepairDeps, log: RepairLog): Promise<void> {
  const cutoff = new Date(deps.clock.now() - deps.settings.orphanGraceMs);
  const rows = await deps.sequelize.query<{ id: string; session_id: string | null; state: string; site_id: string }>(
    `SELECT d.id, d.session_id, d.state, d.site_id FROM desktops d
     LEFT JOIN sessions s ON s.id = d.session_id AND s.desktop_id = d.id AND s.state <> 'ended'
     WHERE (d.state = 'assigned' OR d.session_id IS NOT NULL) AND s.id IS NULL
       AND (d.state_changed_at IS NULL OR d.state_changed_at < :cutoff)`,
    { replacements: { cutoff }, type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    const reason = row.session_id ? `its session ${row.session_id} has ended or does not exist` : `assigned to no session`;
    if (row.state !== 'assigned') {
      // held but not assigned (error, maintenance…): only the stale hold goes, the state stays
      const [cleared] = await Desktop.update({ sessionId: null }, { where: { id: row.id, sessionId: row.session_id, state: row.state } });
      if (cleared > 0) await log.add({ kind: 'orphan-desktop', targetType: 'desktop', targetId: row.id, reason }, row.site_id, { state: row.state });
      continue;
    }
    const to = await deps.actions.releaseState(row.id);
    const released = row.session_id
      ? await releaseDesktop(deps.sequelize, row.id, row.session_id, new Date(deps.clock.now()), to)
      : (await moveDesktop(deps, row.id, ['assigned'], to, { reason: null, details: { cause: 'orphan' } })) !== null;
    if (!released) continue;
    if (to === 'resetting') deps.actions.onRelease(row.id);
    const desktop = await Desktop.findByPk(row.id);
    if (desktop && row.session_id) publishDesktop(deps.events, desktop);
    await log.add({ kind: 'orphan-desktop', targetType: 'desktop', targetId: row.id, reason }, row.site_id, { to });
  }
}

/** `resetting`/`starting` past the pool's limit: into `error` with the reason, never silently free. */
export async function repairStuckDesktops(deps: DesktopRepairDeps, log: RepairLog): Promise<void> {
  const now = deps.clock.now();
  const stuck = await Desktop.findAll({ where: { state: { [Op.in]: ['resetting', 'starting'] } } });
  if (stuck.length === 0) return;
  const settings = new Map(
    (await PoolLifecycle.findAll({ where: { poolId: { [Op.in]: [...new Set(stuck.map((d) => d.poolId))] } } })).map((p) => [p.poolId, p]),
  );
  for (const d of stuck) {
    const pool = settings.get(d.poolId) ?? LIFECYCLE_DEFAULTS;
    const age = now - (d.stateChangedAt?.getTime() ?? 0);
    if (d.state === 'resetting' && !(await deps.actions.actionFor(d.poolId, 'on-release'))) {
      // the pool's on-release action was removed since: nothing will ever clean it
      if (await moveDesktop(deps, d.id, ['resetting'], 'free', { reason: null, details: { cause: 'no on-release action' } })) {
        await log.add(
          { kind: 'reset-without-action', targetType: 'desktop', targetId: d.id, reason: 'resetting, but the pool has no on-release action' },
          d.siteId,
        );
      }
      continue;
    }
    const limitMs = (d.state === 'resetting' ? pool.resetTimeoutSeconds : pool.startTimeoutSeconds) * 1000;
    if (age < limitMs) continue;
    const kind = d.state === 'resetting' ? 'reset-timeout' : 'start-timeout';
    const reason = `${d.state} for ${Math.round(age / 1000)} s (limit ${limitMs / 1000} s)`;
    if (await moveDesktop(deps, d.id, [d.state], 'error', { reason, details: { cause: kind } })) {
      await log.add({ kind, targetType: 'desktop', targetId: d.id, reason }, d.siteId);
    }
  }
}
