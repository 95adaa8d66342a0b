import type { Transaction } from 'sequelize';
import type { AuditService } from '../audit/audit.service.js';
import { Account } from '../accounts/account.model.js';
import { agentActor } from '../agents/agent-actor.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { RatingInvitation, RatingTagSet } from '../ratings/rating.model.js';
import type { RatingService } from '../ratings/rating.service.js';
import { DesktopSession } from '../sessions/session.model.js';
import { Site } from '../sites/site.model.js';
import type { Terminal } from '../terminals/terminal.model.js';
import { HallWindow } from '../windows/window.model.js';
import type { QueueAdapter, QueueWindow } from './queue-adapter.js';
import { QueuePause } from './queue-pause.model.js';
import { QueueTicket, type QueueTicketState } from './queue-ticket.model.js';

export interface QueueDeps {
  audit: AuditService;
  clock: Clock;
  ratings: RatingService;
  /** null: no queue system in this hall (YUNZHUO_QUEUE_URL unset) */
  adapter: QueueAdapter | null;
}

interface Counter {
  session: DesktopSession;
  window: QueueWindow;
  windowId: string;
}

type EndStep = { kind: 'skip' } | { kind: 'transfer'; target: string };

/**
 * 排队叫号 at the window: each step is done in the queue system first, then recorded (ticket row
 * + audit in one transaction). Steps of one window run one at a time, so a double press of 叫号
 * never takes two numbers; the unique `open_key` holds it across brokers.
 */
export class QueueService {
  readonly #windowTurns = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: QueueDeps) {}

  get enabled(): boolean {
    return this.deps.adapter !== null;
  }

  async current(terminal: Terminal, sessionId: string): Promise<{ ticket: QueueTicket | null; pause: QueuePause | null }> {
    const counter = await this.#counter(terminal, sessionId);
    const [ticket, pause] = await Promise.all([
      QueueTicket.findOne({ where: { openKey: counter.windowId } }),
      QueuePause.findOne({ where: { openKey: counter.windowId } }),
    ]);
    return { ticket, pause };
  }

  /**
   * 暂停叫号: the window takes no number until 恢复叫号 (a number being served is finished as
   * usual). The queue system hears it first; pausing a paused window changes nothing and is not
   * audited again, also when two brokers pause it at once (the second insert meets the first's
   * open_key and answers its pause).
   */
  pause(terminal: Terminal, sessionId: string): Promise<QueuePause> {
    return this.#turn(terminal, sessionId, async (counter, adapter) => {
      const open = await QueuePause.findOne({ where: { openKey: counter.windowId } });
      if (open) return open;
      await adapter.pause(counter.window);
      return writeTransaction(QueuePause.sequelize!, async (transaction) => {
        const pause = await QueuePause.create(
          {
            openKey: counter.windowId,
            windowId: counter.windowId,
            siteId: counter.session.siteId,
            terminalId: terminal.id,
            sessionId: counter.session.id,
            accountId: counter.session.accountId,
            pausedAt: new Date(this.deps.clock.now()),
          },
          { transaction },
        );
        await this.#auditPause(counter, 'queue.pause', pause, transaction);
        return pause;
      }).catch(async (err: unknown) => {
        // another broker paused this window between our check and our insert: that pause is the answer
        if ((err as Error).name !== 'SequelizeUniqueConstraintError') throw err;
        const paused = await QueuePause.findOne({ where: { openKey: counter.windowId } });
        if (!paused) throw err;
        return paused;
      });
    });
  }

  /** 恢复叫号; a window that is not paused answers null, nothing recorded. */
  resume(terminal: Terminal, sessionId: string): Promise<QueuePause | null> {
    return this.#turn(terminal, sessionId, async (counter, adapter) => {
      const open = await QueuePause.findOne({ where: { openKey: counter.windowId } });
      if (!open) return null;
      await adapter.resume(counter.window);
      return writeTransaction(QueuePause.sequelize!, async (transaction) => {
        await open.update({ openKey: null, resumedAt: new Date(this.deps.clock.now()) }, { transaction });
        await this.#auditPause(counter, 'queue.resume', open, transaction);
        return open;
      });
    });
  }

  async #auditPause(counter: Counter, action: string, pause: QueuePause, transaction: Transaction): Promise<void> {
    await this.deps.audit.record(
      agentActor(null, counter.session.terminalId),
      {
        action,
        targetType: 'window',
        targetId: counter.windowId,
        siteId: pause.siteId,
        details: { window: counter.window.windowCode, accountId: pause.accountId, sessionId: pause.sessionId, pausedAt: pause.pausedAt.toISOString() },
      },
      transaction,
    );
  }

  call(terminal: Terminal, sessionId: string): Promise<QueueTicket | null> {
    return this.#turn(terminal, sessionId, async (counter, adapter) => {
      const open = await QueueTicket.findOne({ where: { openKey: counter.windowId } });
      if (open) throw new AppError('QUEUE_TICKET_OPEN', { number: open.number });
      if (await QueuePause.count({ where: { openKey: counter.windowId } })) throw new AppError('QUEUE_PAUSED');
      const called = await adapter.callNext(counter.window);
      if (!called) return null;
      return this.#record(counter, 'queue.call', null, async (transaction) =>
        QueueTicket.create(
          {
            number: called.number,
            service: called.service,
            state: 'serving',
            openKey: counter.windowId,
            windowId: counter.windowId,
            siteId: counter.session.siteId,
            terminalId: terminal.id,
            sessionId: counter.session.id,
            accountId: counter.session.accountId,
            calledAt: new Date(this.deps.clock.now()),
          },
          { transaction },
        ),
      ).catch((err: unknown) => {
        // another broker recorded a number for this window between our check and our insert
        if ((err as Error).name === 'SequelizeUniqueConstraintError') throw new AppError('QUEUE_TICKET_OPEN', { number: called.number });
        throw err;
      });
    });
  }

  recall(terminal: Terminal, sessionId: string): Promise<QueueTicket> {
    return this.#turn(terminal, sessionId, async (counter, adapter) => {
      const ticket = await this.#serving(counter);
      await adapter.recall(counter.window, ticket.number);
      return this.#record(counter, 'queue.recall', null, (transaction) => ticket.update({ recalls: ticket.recalls + 1 }, { transaction }));
    });
  }

  end(terminal: Terminal, sessionId: string, step: EndStep): Promise<QueueTicket> {
    return this.#turn(terminal, sessionId, async (counter, adapter) => {
      const ticket = await this.#serving(counter);
      if (step.kind === 'skip') await adapter.skip(counter.window, ticket.number);
      else await adapter.transfer(counter.window, ticket.number, step.target);
      const state: QueueTicketState = step.kind === 'skip' ? 'skipped' : 'transferred';
      return this.#record(counter, `queue.${step.kind}`, step.kind === 'transfer' ? { target: step.target } : null, (transaction) =>
        ticket.update(
          { state, openKey: null, endedAt: new Date(this.deps.clock.now()), transferTarget: step.kind === 'transfer' ? step.target : null },
          { transaction },
        ),
      );
    });
  }

  /** 办结: the queue system closes the number and the citizen is invited to rate, the invitation naming the number. */
  finish(
    terminal: Terminal,
    sessionId: string,
    kase: { caseNumber?: string | undefined; itemCode?: string | undefined },
  ): Promise<{ ticket: QueueTicket; invitation: RatingInvitation; tagSet: RatingTagSet }> {
    return this.#turn(terminal, sessionId, async (counter, adapter) => {
      const ticket = await this.#serving(counter);
      await adapter.finish(counter.window, ticket.number);
      const { invitation, tagSet } = await this.deps.ratings.invite(terminal, { sessionId, ...kase, queueNumber: ticket.number });
      const finished = await this.#record(counter, 'queue.finish', { invitationId: invitation.id }, (transaction) =>
        ticket.update({ state: 'finished', openKey: null, endedAt: new Date(this.deps.clock.now()), invitationId: invitation.id }, { transaction }),
      );
      return { ticket: finished, invitation, tagSet };
    });
  }

  async #serving(counter: Counter): Promise<QueueTicket> {
    const ticket = await QueueTicket.findOne({ where: { openKey: counter.windowId } });
    if (!ticket) throw new AppError('QUEUE_NO_TICKET');
    return ticket;
  }

  /** the ticket's row and its audit event commit together */
  #record(counter: Counter, action: string, details: object | null, write: (transaction: Transaction) => Promise<QueueTicket>): Promise<QueueTicket> {
    return writeTransaction(QueueTicket.sequelize!, async (transaction) => {
      const ticket = await write(transaction);
      await this.deps.audit.record(
        agentActor(null, counter.session.terminalId),
        {
          action,
          targetType: 'queue-ticket',
          targetId: ticket.id,
          siteId: ticket.siteId,
          details: {
            number: ticket.number,
            windowId: counter.windowId,
            window: counter.window.windowCode,
            accountId: ticket.accountId,
            sessionId: ticket.sessionId,
            ...details,
          },
        },
        transaction,
      );
      return ticket;
    });
  }

  /** one step of one window at a time (in this broker; `open_key` across brokers) */
  async #turn<T>(terminal: Terminal, sessionId: string, work: (counter: Counter, adapter: QueueAdapter) => Promise<T>): Promise<T> {
    const adapter = this.deps.adapter;
    if (!adapter) throw new AppError('QUEUE_NOT_CONFIGURED');
    const counter = await this.#counter(terminal, sessionId);
    const before = this.#windowTurns.get(counter.windowId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => work(counter, adapter));
    this.#windowTurns.set(counter.windowId, mine);
    try {
      return await mine;
    } finally {
      if (this.#windowTurns.get(counter.windowId) === mine) this.#windowTurns.delete(counter.windowId);
    }
  }

  /** The session must be live, held here, at a window: its window and clerk are the queue login. */
  async #counter(terminal: Terminal, sessionId: string): Promise<Counter> {
    const session = await DesktopSession.findByPk(sessionId);
    if (!session || session.terminalId !== terminal.id) throw new AppError('NOT_FOUND', { resource: 'session' });
    if (session.state === 'ended') throw new AppError('SESSION_ENDED', { endReason: session.endReason });
    const window = session.windowId ? await HallWindow.findByPk(session.windowId) : null;
    if (!window) throw new AppError('NOT_FOUND', { resource: 'window' });
    const [site, account] = await Promise.all([Site.findByPk(window.siteId), Account.findByPk(session.accountId)]);
    return {
      session,
      windowId: window.id,
      window: { siteCode: site?.code ?? window.siteId, windowCode: window.code, clerk: account?.username ?? session.accountId },
    };
  }
}
