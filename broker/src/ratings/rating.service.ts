import type { z } from 'zod';
import { isBadLevel } from '@yunzhuo/protocol/api/rating-words';
import type { ratingSubmitBody } from '@yunzhuo/protocol/api/ratings';
import type { AuditService } from '../audit/audit.service.js';
import { agentActor } from '../agents/agent-actor.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { DesktopSession } from '../sessions/session.model.js';
import type { RatingPad } from '../rating-pads/rating-pad.model.js';
import type { Terminal } from '../terminals/terminal.model.js';
import { Rating, RatingInvitation, type RatingTagSet, type ServiceContext } from './rating.model.js';
import type { RatingTagSets } from './rating-tag-sets.js';
import { writeTransaction } from '../db/write-transaction.js';
import type { WorkOrderService } from './work-orders.service.js';
import { enqueueRatingChange } from './rating-outbox.js';

/** How long a citizen has to answer a rating card, in seconds (the page gives up sooner). */
export const DEFAULT_INVITATION_TTL_SECONDS = 300;
/** How long after its invitation expired a pad may still deliver a rating pressed in time, in ms (a day). */
export const PAD_LATE_DELIVERY_MS = 24 * 3600_000;

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
      // on the injected clock, as its expiry: a pad's late rating is checked against both
      createdAt: new Date(this.deps.clock.now()),
    });
    return { invitation, tagSet: await this.deps.tagSets.current() };
  }

  async submit(terminal: Terminal, input: Submission): Promise<Rating> {
    const invitation = await RatingInvitation.findByPk(input.invitationId);
    if (!invitation || invitation.terminalId !== terminal.id) throw new AppError('NOT_FOUND', { resource: 'rating-invitation' });
    if (await Rating.count({ where: { invitationId: invitation.id } })) throw new AppError('RATING_ALREADY_SUBMITTED', { invitationId: invitation.id });
    if (invitation.expiresAt.getTime() <= this.deps.clock.now()) throw new AppError('RATING_EXPIRED', { invitationId: invitation.id });
    return this.#store(terminal.id, invitation, input, { clientKey: null, createdAt: new Date(this.deps.clock.now()) });
  }

  /**
   * A rating from the pad paired with this terminal. The pad may send it late (queued while the
   * broker was out of reach) and more than once: the citizen's press must have come before the
   * invitation expired, and a repeat with the same idempotency key answers the stored rating.
   * Only invitations made since the pad was paired are its to answer.
   */
  async submitFromPad(
    pad: Pick<RatingPad, 'terminalId' | 'pairedAt'>,
    input: Submission & { idempotencyKey: string; ratedAt: string },
  ): Promise<{ rating: Rating; repeated: boolean }> {
    const terminalId = pad.terminalId;
    const invitation = await RatingInvitation.findByPk(input.invitationId);
    if (!invitation || invitation.terminalId !== terminalId) throw new AppError('NOT_FOUND', { resource: 'rating-invitation' });
    // an invitation from before this pad was paired was never shown on it (view() hides it too)
    if (!pad.pairedAt || invitation.createdAt < pad.pairedAt) throw new AppError('NOT_FOUND', { resource: 'rating-invitation' });
    const earlier = await Rating.findOne({ where: { invitationId: invitation.id } });
    if (earlier) {
      if (earlier.clientKey === input.idempotencyKey) return { rating: earlier, repeated: true };
      throw new AppError('RATING_ALREADY_SUBMITTED', { invitationId: invitation.id });
    }
    const now = this.deps.clock.now();
    // the pad's clock may be a little off: its press counts from the invitation to now
    const pressedAt = Math.min(Math.max(Date.parse(input.ratedAt), invitation.createdAt.getTime()), now);
    if (pressedAt >= invitation.expiresAt.getTime() || now - invitation.expiresAt.getTime() > PAD_LATE_DELIVERY_MS) {
      throw new AppError('RATING_EXPIRED', { invitationId: invitation.id });
    }
    try {
      return { rating: await this.#store(terminalId, invitation, input, { clientKey: input.idempotencyKey, createdAt: new Date(pressedAt) }), repeated: false };
    } catch (err) {
      // the same queued rating sent twice at once (the pad's retry crossed its first attempt)
      const stored =
        err instanceof AppError && err.code === 'RATING_ALREADY_SUBMITTED' ? await Rating.findOne({ where: { invitationId: invitation.id } }) : null;
      if (stored?.clientKey === input.idempotencyKey) return { rating: stored, repeated: true };
      throw err;
    }
  }

  /** Whether an invitation of this terminal has its rating yet (the window page's notice while the pad is used). */
  async invitationState(terminalId: string, invitationId: string): Promise<{ id: string; rated: boolean; level: number | null }> {
    const invitation = await RatingInvitation.findByPk(invitationId);
    if (!invitation || invitation.terminalId !== terminalId) throw new AppError('NOT_FOUND', { resource: 'rating-invitation' });
    const rating = await Rating.findOne({ where: { invitationId }, attributes: ['level'] });
    return { id: invitation.id, rated: rating !== null, level: rating?.level ?? null };
  }

  async #store(terminalId: string, invitation: RatingInvitation, input: Submission, stamp: { clientKey: string | null; createdAt: Date }): Promise<Rating> {
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
            clientKey: stamp.clientKey,
            level: input.level,
            tags,
            tagSetVersion: input.tagSetVersion,
            comment: input.comment ?? null,
            anonymous: !input.rater,
            raterName: input.rater?.name ?? null,
            raterPhone: input.rater?.phone ?? null,
            createdAt: stamp.createdAt,
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
    await this.deps.audit.record(agentActor(null, terminalId), {
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
