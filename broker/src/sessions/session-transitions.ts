import { Op, type InferAttributes, type Transaction, type WhereOptions } from 'sequelize';
import type { SessionState } from '@yunzhuo/protocol/api/common';
import type { Actor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { afterCommit } from '../db/write-transaction.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { DesktopSession } from './session.model.js';

type Stamp = 'connectingAt' | 'activeAt' | 'disconnectedAt' | 'endedAt';
const STAMP: Record<Exclude<SessionState, 'requested'>, Stamp> = {
  connecting: 'connectingAt',
  active: 'activeAt',
  disconnected: 'disconnectedAt',
  ended: 'endedAt',
};

/**
 * Moves a session from one of `from` to `to` with a conditional UPDATE (never read-then-write),
 * timestamps it, audits it and pushes it live. Returns the updated row, or null when the session
 * was not in `from` (someone else moved it first). In an admin's `transaction` the row and its
 * audit event commit together and the live event follows the commit; the engine's own moves
 * (tunnel open and close, hundreds at 8:30) take none and join the audit's group insert.
 */
export class SessionTransitions {
  constructor(
    private readonly audit: AuditService,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
  ) {}

  async move(
    sessionId: string,
    from: SessionState[],
    to: Exclude<SessionState, 'requested'>,
    opts: {
      actor?: Actor | null;
      reason?: string;
      extra?: Partial<InferAttributes<DesktopSession>>;
      onlyIf?: WhereOptions<DesktopSession>;
      transaction?: Transaction;
    } = {},
  ): Promise<DesktopSession | null> {
    const { transaction } = opts;
    const now = new Date(this.clock.now());
    const values: Record<string, unknown> = { state: to, [STAMP[to]]: now, lastActivityAt: now, ...opts.extra };
    if (to === 'ended') {
      values.liveKey = null;
      values.endReason = opts.reason ?? 'ended';
    }
    const where: WhereOptions = { ...opts.onlyIf, id: sessionId, state: { [Op.in]: from } };
    const [affected] = await DesktopSession.update(values, { where, transaction });
    if (affected === 0) return null;
    const session = await DesktopSession.findByPk(sessionId, { transaction });
    if (!session) return null;
    await this.announce(session, opts.actor ?? null, opts.reason, transaction);
    return session;
  }

  async announce(session: DesktopSession, actor: Actor | null, reason?: string, transaction?: Transaction): Promise<void> {
    await this.audit.record(
      actor,
      {
        action: `session.${session.state}`,
        targetType: 'session',
        targetId: session.id,
        siteId: session.siteId,
        details: {
          accountId: session.accountId,
          poolId: session.poolId,
          desktopId: session.desktopId,
          terminalId: session.terminalId,
          windowId: session.windowId,
          ...(reason ? { reason } : {}),
        },
      },
      transaction,
    );
    afterCommit(transaction, () =>
      this.events.publish('session.changed', {
        id: session.id,
        state: session.state,
        siteId: session.siteId,
        windowId: session.windowId,
        accountId: session.accountId,
        poolId: session.poolId,
        desktopId: session.desktopId,
        endReason: session.endReason,
      }),
    );
  }
}
