import type { z } from 'zod';
import { isBadLevel } from '@yunzhuo/protocol/api/rating-words';
import type { ratingSubmitBody } from '@yunzhuo/protocol/api/ratings';
import type { AuditService } from '../audit/audit.service.js';
import { agentActor } from '../agents/agent-actor.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { DesktopSession } from '../sessions/session.model.js';
import type { Terminal } from '../terminals/terminal.model.js';
import { Rating, RatingInvitation, type RatingTagSet, type ServiceContext } from './rating.model.js';
import type { RatingTagSets } from './rating-tag-sets.js';
import { writeTransaction } from '../db/write-transaction.js';
import type { WorkOrderService } from './work-orders.service.js';
import { enqueueRatingChange } from './rating-outbox.js';

/** How long a citizen has to answer a rating card, in seconds (the page gives up sooner). */
export const DEFAULT_INVITATION_TTL_SECONDS = 300;

export interface RatingDeps {
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  tagSets: RatingTagSets;
  workOrders: WorkOrderService;
  invitationTtlSeconds?: number;
}

type Submission = z.output<typeof ratingSubmitBody>;

/** 好差评: the window invites a rating of the service it is giving; each invitation is answered once (一次一评). */
export class RatingService {
  readonly #ttlMs: number;

  constructor(private readonly deps: RatingDeps) {
    this.#ttlMs = (deps.invitationTtlSeconds ?? DEFAULT_INVITATION_TTL_SECONDS) * 1000;
  }

  /** The session must be live and held by this terminal; its window, clerk, department and case are fixed now. */
  async invite(
    terminal: Terminal,
    input: { sessionId: string; caseNumber?: string | undefined; itemCode?: string | undefined; queueNumber?: string | undefined },
  ): Promise<{ invitation: RatingInvitation; tagSet: RatingTagSet }> {
    const session = await DesktopSession.findByPk(input.sessionId);
    if (!session || session.terminalId !== terminal.id) throw new AppError('NOT_FOUND', { resource: 'session' });
    if (session.state === 'ended') throw new AppError('SESSION_ENDED', { endReason: session.endReason });
    const context: ServiceContext = {
      sessionId: session.id,
      terminalId: terminal.id,
      windowId: session.windowId,
      siteId: session.siteId,
      accountId: session.accountId,
      departmentId: session.departmentId,
      poolId: session.poolId,
    };
    const invitation = await RatingInvitation.create({
      ...context,
      caseNumber: input.caseNumber ?? null,
      itemCode: input.itemCode ?? null,
      queueNumber: input.queueNumber ?? null,
      expiresAt: new Date(this.deps.clock.now() + this.#ttlMs),
    });
    return { invitation, tagSet: await this.deps.tagSets.current() };
  }

  async submit(terminal: Terminal, input: Submission): Promise<Rating> {
    const invitation = await RatingInvitation.findByPk(input.invitationId);
    if (!invitation || invitation.terminalId !== terminal.id) throw new AppError('NOT_FOUND', { resource: 'rating-invitation' });
    if (await Rating.count({ where: { invitationId: invitation.id } })) throw new AppError('RATING_ALREADY_SUBMITTED', { invitationId: invitation.id });
    if (invitation.expiresAt.getTime() <= this.deps.clock.now()) throw new AppError('RATING_EXPIRED', { invitationId: invitation.id });
    const tags = [...new Set(input.tags ?? [])];
    await this.deps.tagSets.checkTags(input.tagSetVersion, input.level, tags);
    const bad = isBadLevel(input.level);
    let rating: Rating;
    try {
      rating = await writeTransaction(Rating.sequelize!, async (transaction) => {
        const created = await Rating.create(
          {
            invitationId: invitation.id,
            sessionId: invitation.sessionId,
            terminalId: invitation.terminalId,
            windowId: invitation.windowId,
            siteId: invitation.siteId,
            accountId: invitation.accountId,
            departmentId: invitation.departmentId,
            poolId: invitation.poolId,
            caseNumber: invitation.caseNumber,
            itemCode: invitation.itemCode,
            channel: 'window-device',
            level: input.level,
            tags,
            tagSetVersion: input.tagSetVersion,
            comment: input.comment ?? null,
            anonymous: !input.rater,
            raterName: input.rater?.name ?? null,
            raterPhone: input.rater?.phone ?? null,
            createdAt: new Date(this.deps.clock.now()),
          },
          { transaction },
        );
        // every 差评 is followed up: its work order commits with it
        const order = bad ? await this.deps.workOrders.openFor(created, transaction) : undefined;
        // and the province hears of it: the outbox row commits with it too
        await enqueueRatingChange(transaction, created.createdAt, created, 'rating.created', order);
        return created;
      });
    } catch (err) {
      // two submits raced past the count: the unique index on invitation_id decided
      if ((err as Error).name === 'SequelizeUniqueConstraintError') throw new AppError('RATING_ALREADY_SUBMITTED', { invitationId: invitation.id });
      throw err;
    }
    // the citizen rated at this terminal: the log names it (and its window)
    await this.deps.audit.record(agentActor(null, terminal.id), {
      action: 'rating.create',
      targetType: 'rating',
      targetId: rating.id,
      siteId: rating.siteId,
      // the rater's name and number stay out of the audit log: it is kept for ever
      details: {
        sessionId: rating.sessionId,
        terminalId: rating.terminalId,
        windowId: rating.windowId,
        accountId: rating.accountId,
        departmentId: rating.departmentId,
        level: rating.level,
        bad,
        tags: rating.tags,
        tagSetVersion: rating.tagSetVersion,
        caseNumber: rating.caseNumber,
        itemCode: rating.itemCode,
        anonymous: rating.anonymous,
      },
    });
    this.deps.events.publish('rating.created', { id: rating.id, siteId: rating.siteId, windowId: rating.windowId, level: rating.level, bad });
    return rating;
  }
}
