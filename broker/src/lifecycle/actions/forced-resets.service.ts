import type { Sequelize } from 'sequelize';
import { Op } from 'sequelize';
import type { Actor } from '../../auth/actor.js';
import type { AuditService } from '../../audit/audit.service.js';
import { Desktop, type DesktopState } from '../../desktops/desktop.model.js';
import { AppError } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import type { LiveEvents } from '../../lib/live-events.js';
import { releaseDesktop } from '../../sessions/desktop-claim.js';
import type { SessionLifecycle } from '../../sessions/session-lifecycle.service.js';
import { DesktopSession } from '../../sessions/session.model.js';
import type { DesktopActions } from './desktop-actions.service.js';
import { moveDesktop, publishDesktop } from '../desktop-states.js';

const ALL_STATES: DesktopState[] = ['free', 'assigned', 'maintenance', 'error', 'resetting', 'starting'];

/**
 * An admin's way out of any state without database surgery: a session is ended and its desktop
 * given back; a desktop is cleared of every session and put in `free` or `maintenance`.
 */
export class ForcedResets {
  constructor(private readonly deps: { sequelize: Sequelize; lifecycle: SessionLifecycle; actions: DesktopActions; audit: AuditService; events: LiveEvents; clock: Clock }) {}

  async resetSession(session: DesktopSession, actor: Actor, reason: string | undefined): Promise<DesktopSession> {
    const before = session.state;
    if (session.state !== 'ended') await this.deps.lifecycle.end(session.id, actor, 'reset-by-admin');
    // an ended session may still be written on its desktop (a lost write): give the desktop back too
    let desktopReleased = false;
    if (session.desktopId) {
      const to = await this.deps.actions.releaseState(session.desktopId);
      desktopReleased = await releaseDesktop(this.deps.sequelize, session.desktopId, session.id, new Date(this.deps.clock.now()), to);
      if (desktopReleased && to === 'resetting') this.deps.actions.onRelease(session.desktopId);
      const desktop = desktopReleased ? await Desktop.findByPk(session.desktopId) : null;
      if (desktop) publishDesktop(this.deps.events, desktop);
    }
    await this.deps.audit.record(actor, {
      action: 'session.reset', targetType: 'session', targetId: session.id, siteId: session.siteId,
      details: { reason: reason ?? null, stateBefore: before, desktopId: session.desktopId, desktopReleased },
    });
    const after = await DesktopSession.findByPk(session.id);
    if (!after) throw new AppError('NOT_FOUND', { resource: 'session' });
    return after;
  }

  async resetDesktop(desktop: Desktop, actor: Actor, to: 'free' | 'maintenance', reason: string | undefined): Promise<Desktop> {
    const holders = await DesktopSession.findAll({
      where: { state: { [Op.ne]: 'ended' }, [Op.or]: [{ desktopId: desktop.id }, ...(desktop.sessionId ? [{ id: desktop.sessionId }] : [])] },
    });
    for (const s of holders) await this.deps.lifecycle.end(s.id, actor, 'desktop-reset-by-admin');
    const moved = await moveDesktop(this.deps, desktop.id, ALL_STATES, to, {
      reason: to === 'maintenance' ? (reason ?? null) : null, actor, clearSession: true,
      details: { cause: 'reset-by-admin', stateBefore: desktop.state, stateReasonBefore: desktop.stateReason, endedSessions: holders.map((s) => s.id), note: reason ?? null },
    });
    if (to === 'maintenance') this.deps.actions.maintenance(desktop.id, actor);
    const after = moved ?? (await Desktop.findByPk(desktop.id));
    if (!after) throw new AppError('NOT_FOUND', { resource: 'desktop' });
    return after;
  }
}
