import type { Sequelize, Transaction } from 'sequelize';
import { Account } from '../accounts/account.model.js';
import { clerkActor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import { Terminal } from '../terminals/terminal.model.js';
import type { OidcFinished } from './oidc-signin.js';
import { OidcFailure, recordOidcRefusal } from './oidc-refusal.js';
import { OidcLogin } from './oidc-source.model.js';

/** how long a window's ticket waits for the window page to redeem it, ms */
const TICKET_MS = 2 * 60_000;

/** A sign-in a window takes: who, at which terminal, through which provider and which of the page's ways */
export interface WindowSignIn {
  account: Account;
  terminalId: string;
  sourceId: string;
  channel: 'button' | 'qr';
  /** the window's (the kiosk browser's at the callback, the terminal's at a QR poll) */
  address: string | null;
}

/**
 * A window's side of single sign-on (button and 扫码登录): the sign-in the provider vouched for is
 * taken by the window — audited `auth.oidc.window` — as a one-time ticket (a row of `oidc_logins`,
 * so any broker redeems it) that only the terminal it was for exchanges for a desktop.
 */
export class OidcWindowTickets {
  constructor(private readonly deps: { sequelize: Sequelize; audit: AuditService; clock: Clock }) {}

  /**
   * The window button's callback passed: the window takes the sign-in. A terminal revoked or removed
   * since it started is refused like a failed check (audited `auth.oidc.refused`, back to its page).
   */
  async afterCallback(finished: OidcFinished & { terminalId: string }, address: string | null): Promise<string> {
    const { account, terminalId, sourceId } = finished;
    try {
      return await this.take({ account, terminalId, sourceId, channel: 'button', address });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await recordOidcRefusal(this.deps.audit, { sourceId, terminalId, purpose: 'window' }, address, { code: err.code, reason: err.details.reason ?? null });
      throw new OidcFailure(err, finished.returnTo);
    }
  }

  /**
   * A window takes a sign-in: `auth.oidc.window` by the clerk (the terminal, its window and site, the
   * provider and the channel named) and the one-time ticket, in one transaction. `claim` takes the row
   * the sign-in waited in (a QR code's) in that transaction, or throws: then nothing is written.
   */
  async take(signIn: WindowSignIn, claim?: (transaction: Transaction) => Promise<void>): Promise<string> {
    const { account, terminalId, sourceId, channel, address } = signIn;
    return writeTransaction(this.deps.sequelize, async (transaction) => {
      await claim?.(transaction);
      const terminal = await Terminal.findByPk(terminalId, { transaction });
      if (!terminal) throw new AppError('TERMINAL_UNKNOWN', { reason: 'the terminal was removed during the sign-in' });
      if (terminal.state !== 'active') throw new AppError('TERMINAL_REVOKED', { reason: `the terminal is ${terminal.state}` });
      await this.deps.audit.record(
        clerkActor(account, address),
        {
          action: 'auth.oidc.window',
          targetType: 'account',
          targetId: account.id,
          siteId: terminal.siteId,
          details: { channel, terminalId, windowId: terminal.windowId, oidcSourceId: sourceId },
        },
        transaction,
      );
      return this.issue(account, terminalId, sourceId, transaction);
    });
  }

  /** A one-time ticket (2 minutes) that only `terminalId` can redeem (a pool choice asks again with a new one). */
  async issue(account: Account, terminalId: string, sourceId: string, transaction?: Transaction): Promise<string> {
    const ticket = randomToken();
    const now = this.deps.clock.now();
    await OidcLogin.create(
      {
        stateHash: sha256(ticket),
        sourceId,
        nonce: '-',
        codeVerifier: '-',
        purpose: 'ticket',
        returnTo: '/terminal',
        terminalId,
        accountId: account.id,
        expiresAt: new Date(now + TICKET_MS),
        createdAt: new Date(now),
      },
      { transaction },
    );
    return ticket;
  }

  /** The account a ticket stands for (and its provider), at the terminal it was issued for; used once. */
  async redeem(ticket: string, terminalId: string): Promise<{ account: Account; sourceId: string }> {
    const row = await OidcLogin.findOne({ where: { stateHash: sha256(ticket), purpose: 'ticket', terminalId } });
    const taken = row ? await OidcLogin.destroy({ where: { stateHash: row.stateHash } }) : 0;
    if (!row || taken !== 1 || row.expiresAt.getTime() <= this.deps.clock.now() || !row.accountId) throw new AppError('OIDC_STATE_INVALID');
    const account = await Account.findByPk(row.accountId);
    if (!account) throw new AppError('OIDC_STATE_INVALID');
    return { account, sourceId: row.sourceId };
  }
}
