import { randomInt, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Op } from 'sequelize';
import { PAD_PAIRING_SECONDS } from '@yunzhuo/protocol/api/rating-pads';
import { Account } from '../accounts/account.model.js';
import { agentActor } from '../agents/agent-actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { ClusterBus } from '../lib/cluster-bus.js';
import { SharedCounts } from '../lib/shared-counts.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import { QueueTicket } from '../queue/queue-ticket.model.js';
import { Rating, RatingInvitation, type RatingTagSet } from '../ratings/rating.model.js';
import type { RatingTagSets } from '../ratings/rating-tag-sets.js';
import { DesktopSession } from '../sessions/session.model.js';
import { Terminal } from '../terminals/terminal.model.js';
import { HallWindow } from '../windows/window.model.js';
import { RatingPad } from './rating-pad.model.js';

/** Wrong pairing codes one address may try per window of PAIRING_GUESS_WINDOW_SECONDS, counted on every broker (`shareWith`). */
const PAIRING_GUESSES = 10;
const PAIRING_GUESS_WINDOW_SECONDS = 10 * 60;
/** the key the guesses of a request without an address are counted under */
const UNKNOWN_ADDRESS = 'unknown';
/** last_seen_at is written at most this often per pad, in ms: a hall of pads polls every few seconds */
const SEEN_WRITE_MS = 60_000;

export interface RatingPadDeps {
  audit: AuditService;
  clock: Clock;
  tagSets: RatingTagSets;
}

export interface PadView {
  window: { code: string; label: string | null } | null;
  clerk: { displayName: string } | null;
  queueNumber: string | null;
  invitation: { invitation: RatingInvitation; tagSet: RatingTagSet } | null;
}

/**
 * The rating pad (评价器): paired with a terminal by a one-time code the window page shows, then
 * shown what that terminal's window is doing — the clerk, the number served, and the rating
 * card when the window has invited a rating nobody has answered yet.
 */
export class RatingPadService {
  /**
   * Pairing attempts per address, counted *before* the database is asked and taken back when the
   * code was right: parallel guesses cannot all pass the check while none is counted yet. Only an
   * IP (or the unknown key) goes over the cluster bus.
   */
  readonly #guesses = new SharedCounts('pad.pairing', PAIRING_GUESSES, PAIRING_GUESS_WINDOW_SECONDS, (key) => key === UNKNOWN_ADDRESS || isIP(key) !== 0);

  constructor(private readonly deps: RatingPadDeps) {}

  /** Counts the other broker processes' pairing guesses too, and tells them of this one's. */
  shareWith(bus: ClusterBus): void {
    this.#guesses.shareWith(bus);
  }

  /** A fresh 8-digit code for this terminal; an earlier code not yet used stops working. */
  async newPairingCode(terminal: Terminal): Promise<{ code: string; expiresAt: Date }> {
    const expiresAt = new Date(this.deps.clock.now() + PAD_PAIRING_SECONDS * 1000);
    for (;;) {
      const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
      try {
        await writeTransaction(RatingPad.sequelize!, async (transaction) => {
          await RatingPad.destroy({ where: { terminalId: terminal.id, secretHash: null }, transaction });
          await RatingPad.create(
            {
              terminalId: terminal.id,
              windowId: terminal.windowId ?? null,
              siteId: terminal.siteId ?? null,
              pairingCodeHash: sha256(code),
              pairingExpiresAt: expiresAt,
            },
            { transaction },
          );
        });
        return { code, expiresAt };
      } catch (err) {
        // another terminal's pending code is the same 8 digits: draw again
        if ((err as Error).name !== 'SequelizeUniqueConstraintError') throw err;
      }
    }
  }

  /** The pad enters the code: it gets its credential, and any earlier pad of the terminal is unpaired. */
  async pair(code: string, address: string | null): Promise<{ pad: RatingPad; credential: string; windowCode: string | null }> {
    const guesser = address ?? UNKNOWN_ADDRESS;
    // checked and counted with no database call between: a burst of guesses is counted one by one
    const retryAfterSeconds = await this.#guesses.blockedFor(guesser);
    if (retryAfterSeconds !== null) throw new AppError('PAD_PAIRING_THROTTLED', { retryAfterSeconds });
    await this.#guesses.add(guesser);
    const now = new Date(this.deps.clock.now());
    const secret = randomToken();
    const pad = await writeTransaction(RatingPad.sequelize!, async (transaction) => {
      const found = await RatingPad.findOne({ where: { pairingCodeHash: sha256(code), secretHash: null }, transaction, lock: transaction.LOCK.UPDATE });
      if (!found || !found.pairingExpiresAt || found.pairingExpiresAt <= now) return null;
      await RatingPad.update({ revokedAt: now }, { where: { terminalId: found.terminalId, secretHash: { [Op.ne]: null }, revokedAt: null }, transaction });
      await found.update({ pairingCodeHash: null, pairingExpiresAt: null, secretHash: sha256(secret), pairedAt: now, lastSeenAt: now }, { transaction });
      await this.deps.audit.record(
        agentActor(address, found.terminalId),
        {
          action: 'rating-pad.pair',
          targetType: 'rating-pad',
          targetId: found.id,
          siteId: found.siteId,
          details: { terminalId: found.terminalId, windowId: found.windowId },
        },
        transaction,
      );
      return found;
    });
    // a wrong code stays counted (and so does an attempt the database failed); the right one is taken back
    if (!pad) throw new AppError('PAD_PAIRING_INVALID');
    await this.#guesses.takeBack(guesser);
    const window = pad.windowId ? await HallWindow.findByPk(pad.windowId) : null;
    return { pad, credential: `${pad.id}.${secret}`, windowCode: window?.code ?? null };
  }

  /**
   * `<pad id>.<secret>`, compared by hash in constant time; an unpaired or revoked pad (or its
   * terminal deleted or revoked) is PAD_UNKNOWN, the pad's cue to forget its credential. A terminal
   * only out of service for now is TERMINAL_NOT_IN_SERVICE: the pad waits, still paired.
   */
  async verify(credential: string | undefined): Promise<{ pad: RatingPad; terminal: Terminal }> {
    const [id, secret] = (credential ?? '').split('.');
    if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('PAD_UNKNOWN');
    const pad = await RatingPad.findByPk(id);
    const expected = Buffer.from(pad?.secretHash ?? '0'.repeat(64), 'hex');
    if (!pad?.secretHash || pad.revokedAt || !timingSafeEqual(expected, Buffer.from(sha256(secret), 'hex'))) throw new AppError('PAD_UNKNOWN');
    const terminal = await Terminal.findByPk(pad.terminalId);
    // a terminal gone for good takes its pad along; one waiting (pending again) keeps it paired
    if (!terminal || terminal.state === 'revoked') throw new AppError('PAD_UNKNOWN', { reason: 'terminal gone' });
    if (terminal.state !== 'active') throw new AppError('TERMINAL_NOT_IN_SERVICE', { state: terminal.state });
    const now = this.deps.clock.now();
    if (!pad.lastSeenAt || now - pad.lastSeenAt.getTime() >= SEEN_WRITE_MS) await pad.update({ lastSeenAt: new Date(now) });
    return { pad, terminal };
  }

  /** What the pad shows now: the terminal's live session, its number, and the newest unanswered invitation. */
  async view(pad: RatingPad, terminal: Terminal): Promise<PadView> {
    const now = new Date(this.deps.clock.now());
    // the terminal's window now: a terminal moved to another window takes its pad along
    const windowId = terminal.windowId;
    const [window, session, invitation] = await Promise.all([
      windowId ? HallWindow.findByPk(windowId) : null,
      DesktopSession.findOne({ where: { terminalId: pad.terminalId, state: { [Op.ne]: 'ended' } }, order: [['updatedAt', 'DESC']] }),
      RatingInvitation.findOne({
        where: { terminalId: pad.terminalId, expiresAt: { [Op.gt]: now }, createdAt: { [Op.gte]: pad.pairedAt ?? now } },
        order: [['createdAt', 'DESC']],
      }),
    ]);
    const answered = invitation ? (await Rating.count({ where: { invitationId: invitation.id } })) > 0 : true;
    const [account, ticket] = await Promise.all([
      session ? Account.findByPk(session.accountId) : null,
      windowId ? QueueTicket.findOne({ where: { openKey: windowId } }) : null,
    ]);
    return {
      window: window ? { code: window.code, label: window.label ?? null } : null,
      clerk: account ? { displayName: account.displayName || account.username } : null,
      queueNumber: ticket?.number ?? null,
      invitation: invitation && !answered ? { invitation, tagSet: await this.deps.tagSets.current() } : null,
    };
  }

  /** The pads paired with this terminal (the window page shows whether one is there). */
  paired(terminal: Terminal): Promise<RatingPad[]> {
    return RatingPad.findAll({ where: { terminalId: terminal.id, secretHash: { [Op.ne]: null }, revokedAt: null }, order: [['pairedAt', 'ASC']] });
  }

  /** 解除配对 at the window: the pad's credential stops working at once. */
  async unpair(terminal: Terminal, padId: string): Promise<void> {
    await writeTransaction(RatingPad.sequelize!, async (transaction) => {
      const pad = await RatingPad.findOne({ where: { id: padId, terminalId: terminal.id, revokedAt: null }, transaction, lock: transaction.LOCK.UPDATE });
      if (!pad?.secretHash) throw new AppError('NOT_FOUND', { resource: 'rating-pad' });
      await pad.update({ revokedAt: new Date(this.deps.clock.now()) }, { transaction });
      await this.deps.audit.record(
        agentActor(null, terminal.id),
        {
          action: 'rating-pad.unpair',
          targetType: 'rating-pad',
          targetId: pad.id,
          siteId: pad.siteId,
          details: { terminalId: terminal.id, windowId: pad.windowId },
        },
        transaction,
      );
    });
  }
}
