import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AgentCommand, commandRequestBody } from '@yunzhuo/protocol/agent/index';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything } from '../auth/policy.js';
import type { AuditService } from '../audit/audit.service.js';
import { findVisible } from '../auth/row-access.js';
import { invalidField, requireRef } from '../auth/references.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError, isAppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { Terminal } from '../terminals/terminal.model.js';
import { HallWindow } from '../windows/window.model.js';
import type { AgentCommandRelay } from './agent-command-relay.js';
import type { PresenceService } from './presence.service.js';

type CommandRequest = z.output<typeof commandRequestBody>;
const terminalVisibility = { model: Terminal, type: 'terminal', siteOf: (t: Terminal) => t.siteId };

export interface CommandOutcome {
  commandId: string;
  terminalId: string;
  type: AgentCommand['type'];
  ok: true;
  result: Record<string, unknown>;
  durationMs: number;
}

/**
 * Sends one command to a terminal's agent and waits for its answer (or the timeout); every
 * attempt — answered, failed, timed out or refused as offline — is one audit row.
 */
export class AgentCommandService {
  constructor(private readonly deps: { relay: AgentCommandRelay; presence: PresenceService; audit: AuditService; events: LiveEvents; clock: Clock }) {}

  /** `context` goes into the audit row (a bulk command's id) */
  async run(actor: Actor, terminalId: string, request: CommandRequest, context: Record<string, string> = {}): Promise<CommandOutcome> {
    assertCanWriteAnything(actor);
    const terminal = await findVisible(terminalVisibility, actor, terminalId, 'write');
    const { command } = request;
    if (command.type === 'bind-window' && command.windowId) {
      const window = await requireRef(actor, HallWindow, command.windowId, 'command.windowId', (w) => w.siteId);
      if (window.siteId !== terminal.siteId) throw invalidField('command.windowId', 'the window belongs to another site');
    }
    const commandId = randomUUID();
    const started = this.deps.clock.now();
    const audit = (outcome: string, extra: object) =>
      this.deps.audit.record(actor, {
        action: 'terminal.command',
        targetType: 'terminal',
        targetId: terminal.id,
        siteId: terminal.siteId,
        details: { commandId, type: command.type, command, outcome, durationMs: this.deps.clock.now() - started, ...context, ...extra },
      });

    if (command.type === 'message') {
      // the window page shows the text; the agent only confirms it is there to show it
      this.deps.events.publish('terminal.message', {
        terminalId: terminal.id,
        siteId: terminal.siteId,
        windowId: terminal.windowId,
        commandId,
        text: command.text,
        level: command.level,
        durationSeconds: command.durationSeconds,
      });
    }
    let outcome;
    try {
      outcome = await this.deps.relay.send(terminal.id, commandId, command, request.timeoutSeconds * 1000, terminal.online);
    } catch (err) {
      if (isAppError(err)) await audit(err.code === 'COMMAND_TIMEOUT' ? 'timeout' : 'offline', { error: err.code });
      throw err;
    }
    if (!outcome.ok) {
      await audit('failed', { error: outcome.error });
      this.#publish(terminal, commandId, command.type, 'failed');
      throw new AppError('COMMAND_FAILED', { terminalId: terminal.id, commandId, agentCode: outcome.error.code, agentMessage: outcome.error.message });
    }
    if (command.type === 'bind-window') await this.#bind(actor, terminal, command.windowId);
    await audit('ok', { result: outcome.result });
    this.#publish(terminal, commandId, command.type, 'ok');
    return { commandId, terminalId: terminal.id, type: command.type, ok: true, result: outcome.result, durationMs: this.deps.clock.now() - started };
  }

  async #bind(actor: Actor, terminal: Terminal, windowId: string | null): Promise<void> {
    const before = { windowId: terminal.windowId };
    await writeTransaction(Terminal.sequelize!, async (transaction) => {
      await terminal.update({ windowId }, { transaction });
      await this.deps.audit.record(
        actor,
        { action: 'terminal.update', targetType: 'terminal', targetId: terminal.id, siteId: terminal.siteId, before, after: { windowId } },
        transaction,
      );
    });
    this.deps.presence.update(terminal.id, { windowId });
    this.deps.events.publish('terminal.changed', {
      id: terminal.id,
      state: terminal.state,
      siteId: terminal.siteId,
      windowId,
      online: this.deps.presence.get(terminal.id)?.online ?? terminal.online,
    });
  }

  #publish(terminal: Terminal, commandId: string, type: string, outcome: 'ok' | 'failed'): void {
    this.deps.events.publish('terminal.command', { terminalId: terminal.id, siteId: terminal.siteId, commandId, type, outcome });
  }
}
