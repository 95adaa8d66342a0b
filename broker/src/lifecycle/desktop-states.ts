import { Op, type Transaction } from 'sequelize';
import type { Actor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { afterCommit } from '../db/write-transaction.js';
import { Desktop, type DesktopState } from '../desktops/desktop.model.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';

export interface DesktopStateDeps {
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
}

export function publishDesktop(events: LiveEvents, d: Desktop): void {
  events.publish('desktop.changed', { id: d.id, state: d.state, health: d.health, poolId: d.poolId, siteId: d.siteId });
}

/**
 * Moves a desktop from one of `from` to `to` with a conditional UPDATE, audits the move with
 * its reason and pushes it live. `onlySession` also requires (and clears) that session's hold.
 * Returns the desktop after the move, or null when it was not in `from` any more. In `transaction`
 * the move and its audit event commit together and the live event follows the commit.
 */
export async function moveDesktop(
  deps: DesktopStateDeps,
  desktopId: string,
  from: DesktopState[],
  to: DesktopState,
  opts: { reason: string | null; actor?: Actor | null; onlySession?: string; clearSession?: boolean; details?: object; transaction?: Transaction } = {
    reason: null,
  },
): Promise<Desktop | null> {
  const { transaction } = opts;
  const now = new Date(deps.clock.now());
  const where: Record<string | symbol, unknown> = { id: desktopId, state: { [Op.in]: from } };
  if (opts.onlySession) where.sessionId = opts.onlySession;
  const values: Record<string, unknown> = { state: to, stateReason: opts.reason?.slice(0, 500) ?? null, stateChangedAt: now };
  if (opts.onlySession || opts.clearSession) values.sessionId = null;
  if (to === 'free' && from.includes('assigned')) values.lastReleasedAt = now;
  const [affected] = await Desktop.update(values, { where, transaction });
  if (affected === 0) return null;
  const desktop = await Desktop.findByPk(desktopId, { transaction });
  if (!desktop) return null;
  await deps.audit.record(
    opts.actor ?? null,
    {
      action: `desktop.${to}`,
      targetType: 'desktop',
      targetId: desktop.id,
      siteId: desktop.siteId,
      details: { from, to, reason: opts.reason, poolId: desktop.poolId, ...opts.details },
    },
    transaction,
  );
  afterCommit(transaction, () => publishDesktop(deps.events, desktop));
  return desktop;
}
