import type { RatingScore } from '@yunzhuo/protocol/api/ratings';
import type { AuditService } from '../audit/audit.service.js';
import { agentActor } from '../agents/agent-actor.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { DesktopSession } from '../sessions/session.model.js';
import type { Terminal } from '../terminals/terminal.model.js';
import { Rating, RatingInvitation, type ServiceContext } from './rating.model.js';

/** How long a citizen has to answer a rating card, in seconds (the page gives up sooner). */
export const DEFAULT_INVITATION_TTL_SECONDS = 300;

export interface RatingDeps {
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  invitationTtlSeconds?: number;
}

/** 好差评: the window invites a rating of the service it is giving; each invitation is answered once. */
export class RatingService {
  readonly #ttlMs: number;

  constructor(private readonly deps: RatingDeps) {
    this.#ttlMs = (deps.invitationTtlSeconds ?? DEFAULT_INVITATION_TTL_SECONDS) * 1000;
  }

  /** The session must be live and held by this terminal; its window, clerk and department are fixed now. */
  async invite(terminal: Terminal, sessionId: string): Promise<RatingInvitation> {
    const session = await DesktopSession.findByPk(sessionId);
    if (!session || session.terminalId !== terminal.id) throw new AppError('NOT_FOUND', { resource: 'session' });
    if (session.state === 'ended') throw new AppError('SESSION_ENDED', { endReason: session.endReason });
    const context: ServiceContext = {
      sessionId: session.id, terminalId: terminal.id, windowId: session.windowId, siteId: session.siteId,
      accountId: session.accountId, departmentId: session.departmentId, poolId: session.poolId,
    };
    return RatingInvitation.create({ ...context, expiresAt: new Date(this.deps.clock.now() + this.#ttlMs) });
  }

  async submit(terminal: Terminal, input: { invitationId: string; score: RatingScore; reasons?: string[] | undefined }): Promise<Rating> {
    const invitation = await RatingInvitation.findByPk(input.invitationId);
    if (!invitation || invitation.terminalId !== terminal.id) throw new AppError('NOT_FOUND', { resource: 'rating-invitation' });
    if (await Rating.count({ where: { invitationId: invitation.id } })) throw new AppError('RATING_ALREADY_SUBMITTED', { invitationId: invitation.id });
    if (invitation.expiresAt.getTime() <= this.deps.clock.now()) throw new AppError('RATING_EXPIRED', { invitationId: invitation.id });
    let rating: Rating;
    try {
      rating = await Rating.create({
        invitationId: invitation.id, sessionId: invitation.sessionId, terminalId: invitation.terminalId, windowId: invitation.windowId,
        siteId: invitation.siteId, accountId: invitation.accountId, departmentId: invitation.departmentId, poolId: invitation.poolId,
        score: input.score, reasons: [...new Set(input.reasons ?? [])],
        createdAt: new Date(this.deps.clock.now()),
      });
    } catch (err) {
      // two submits raced past the count: the unique index on invitation_id decided
      if ((err as Error).name === 'SequelizeUniqueConstraintError') throw new AppError('RATING_ALREADY_SUBMITTED', { invitationId: invitation.id });
      throw err;
    }
    // the citizen rated at this terminal: the log names it (and its window)
    await this.deps.audit.record(agentActor(null, terminal.id), {
      action: 'rating.create', targetType: 'rating', targetId: rating.id, siteId: rating.siteId,
      details: { sessionId: rating.sessionId, terminalId: rating.terminalId, windowId: rating.windowId, accountId: rating.accountId, departmentId: rating.departmentId, score: rating.score, reasons: rating.reasons },
    });
    this.deps.events.publish('rating.created', { id: rating.id, siteId: rating.siteId, windowId: rating.windowId, score: rating.score });
    return rating;
  }
}
