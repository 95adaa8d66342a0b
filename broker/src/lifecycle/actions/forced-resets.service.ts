import type { Sequelize } from 'sequelize';
import { Op } from 'sequelize';
import type { Actor } from '../../auth/actor.js';
import type { AuditService } from '../../audit/audit.service.js';
import { writeTransaction } from '../../db/write-transaction.js';
import { Desktop, type DesktopState } from '../../desktops/desktop.model.js';
import { AppError } from '../../lib/app-error.js';
import type { Clock } from '../../lib/clock.js';
import type { LiveEvents } from '../../lib/live-events.js';
import type { SessionLifecycle } from '../../sessions/session-lifecycle.service.js';
import { DesktopSession } from '../../sessions/session.model.js';
import type { DesktopActions } from './desktop-actions.service.js';
import { moveDesktop } from '../desktop-states.js';

const ALL_STATES: DesktopState[] = ['free', 'assigned', 'maintenance', 'error', 'resetting', 'starting'];

/**
 * An admin's way out of any state without database surgery: a session is ended and its desktop
 * given back; a desktop is cleared of every session and put in `free` or `maintenance`.
 */
export class ForcedResets {
  constructor(
    private readonly deps: {
      sequelize: Sequelize;
      lifecycle: SessionLifecycle;
      actions: DesktopActions;
      audit: AuditService;
      events: LiveEvents;
      clock: Clock;
    },
  ) {}

  /** The session ended and its desktop given back; the rows and every audit event commit together, or nothing changes. */
  async resetSession(session: DesktopSession, actor: Actor, reason: string | undefined): Promise<DesktopSession> {
    return writeTransaction(this.deps.sequelize, async (transaction) => {
      const current = await DesktopSession.findByPk(session.id, { transaction, lock: true });
      if (!current) throw new AppError('NOT_FOUND', { resource: 'session' });
      const before = current.state;
      // ending gives the desktop back; an ended session may still be written on its desktop (a lost write): give it back too
      if (before !== 'ended') await this.deps.lifecycle.end(current.id, actor, 'reset-by-admin', transaction);
      const desktopReleased =
        before === 'ended' && current.desktopId ? await this.deps.lifecycle.giveDesktopBack(current.desktopId, current.id, transaction) : false;
      await this.deps.audit.record(
        actor,
        {
          action: 'session.reset',
          targetType: 'session',
          targetId: current.id,
          siteId: current.siteId,
          details: { reason: reason ?? null, stateBefore: before, desktopId: current.desktopId, desktopReleased },
        },
        transaction,
      );
      return (await DesktopSession.findByPk(current.id, { transaction })) ?? current;
    });
  }

  /** Every session on the desktop ended, the desktop put in `to`; the rows and every audit event commit together. */
  async resetDesktop(desktop: Desktop, actor: Actor, to: 'free' | 'maintenance', reason: string | undefined): Promise<Desktop> {
    const after = await writeTransaction(this.deps.sequelize, async (transaction) => {
      const holders = await DesktopSession.findAll({
        where: { state: { [Op.ne]: 'ended' }, [Op.or]: [{ desktopId: desktop.id }, ...(desktop.sessionId ? [{ id: desktop.sessionId }] : [])] },
        transaction,
      });
      for (const s of holders) await this.deps.lifecycle.end(s.id, actor, 'desktop-reset-by-admin', transaction);
      const moved = await moveDesktop(this.deps, desktop.id, ALL_STATES, to, {
        reason: to === 'maintenance' ? (reason ?? null) : null,
        actor,
        clearSession: true,
        transaction,
        details: {
          cause: 'reset-by-admin',
          stateBefore: desktop.state,
          stateReasonBefore: desktop.stateReason,
          endedSessions: holders.map((s) => s.id),
          note: reason ?? null,
        },
      });
      return moved ?? (await Desktop.findByPk(desktop.id, { transaction }));
    });
    if (!after) throw new AppError('NOT_FOUND', { resource: 'desktop' });
    if (to === 'maintenance') this.deps.actions.maintenance(desktop.id, actor);
    return after;
  }
}
