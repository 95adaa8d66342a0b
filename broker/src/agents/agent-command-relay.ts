import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { agentCommandSchema, commandResultMessage, type AgentCommand, type CommandResultMessage } from '@yunzhuo/protocol/agent/index';
import type { ClusterBus } from '../lib/cluster-bus.js';
import { AppError, isAppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { AgentHub } from './agent-hub.js';
import type { AgentLink } from './agent-link.js';
import type { PresenceService } from './presence.service.js';

export type CommandAnswer = CommandResultMessage['outcome'];

const uuid = z.string().uuid();
const requestMessage = z.object({
  requestId: uuid,
  terminalId: uuid,
  commandId: uuid,
  command: agentCommandSchema,
  timeoutMs: z.number().int().positive().max(130_000),
  /** epoch ms after which the asking broker has given up: the command must not run any more */
  acceptBy: z.number().int(),
});
const acceptedMessage = z.object({ requestId: uuid });
const answerMessage = z.object({
  requestId: uuid,
  outcome: commandResultMessage.shape.outcome.nullable(),
  error: z.enum(['TERMINAL_OFFLINE', 'COMMAND_TIMEOUT']).nullable(),
});

/** how long the broker holding a terminal's socket has to say so, before the terminal counts as offline */
export const ACCEPT_MS = 1500;
const CLOCK_SKEW_MS = 250;

interface Waiting {
  accepted(): void;
  answered(message: z.infer<typeof answerMessage>): void;
}

/**
 * Delivers a command to a terminal's agent and waits for its answer, wherever the agent's socket
 * is: in this process, or — with several brokers on PostgreSQL — in another one, asked over the
 * cluster bus (`agent.command` → `agent.command-accepted` → `agent.command-answer`).
 */
export class AgentCommandRelay {
  readonly #waiting = new Map<string, Waiting>();

  constructor(private readonly deps: { hub: AgentHub; presence: PresenceService; bus: ClusterBus; clock: Clock; logger: Logger }) {
    deps.bus.subscribe('agent.command', (payload) => void this.#serve(payload));
    deps.bus.subscribe('agent.command-accepted', (payload) => {
      const m = acceptedMessage.safeParse(payload);
      if (m.success) this.#waiting.get(m.data.requestId)?.accepted();
    });
    deps.bus.subscribe('agent.command-answer', (payload) => {
      const m = answerMessage.safeParse(payload);
      if (m.success) this.#waiting.get(m.data.requestId)?.answered(m.data);
    });
  }

  /**
   * Throws TERMINAL_OFFLINE (no broker holds its socket) or COMMAND_TIMEOUT. `storedOnline`: the
   * terminal row's `online`; a terminal no broker has heard from is not asked around for.
   */
  send(terminalId: string, commandId: string, command: AgentCommand, timeoutMs: number, storedOnline: boolean): Promise<CommandAnswer> {
    const link = this.deps.hub.get(terminalId);
    if (link) return this.#sendHere(link, commandId, command, timeoutMs);
    if (!this.deps.bus.clustered || !storedOnline) return Promise.reject(offline(terminalId, commandId));
    return this.#sendElsewhere(terminalId, commandId, command, timeoutMs);
  }

  async #sendHere(link: AgentLink, commandId: string, command: AgentCommand, timeoutMs: number): Promise<CommandAnswer> {
    const answer = link.expect(commandId);
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.deps.clock.setTimeout(() => reject(timedOut(link.terminalId, commandId, timeoutMs)), timeoutMs);
    });
    link.send({ type: 'command', commandId, command });
    try {
      return await Promise.race([answer, timeout]);
    } catch (err) {
      link.forget(commandId);
      throw err;
    } finally {
      if (timer) this.deps.clock.clearTimeout(timer);
    }
  }

  #sendElsewhere(terminalId: string, commandId: string, command: AgentCommand, timeoutMs: number): Promise<CommandAnswer> {
    const requestId = randomUUID();
    return new Promise<CommandAnswer>((resolve, reject) => {
      const { clock } = this.deps;
      const done = () => {
        clock.clearTimeout(acceptTimer);
        clock.clearTimeout(answerTimer);
        this.#waiting.delete(requestId);
      };
      const acceptTimer = clock.setTimeout(() => (done(), reject(offline(terminalId, commandId))), ACCEPT_MS);
      const answerTimer = clock.setTimeout(() => (done(), reject(timedOut(terminalId, commandId, timeoutMs))), ACCEPT_MS + timeoutMs);
      this.#waiting.set(requestId, {
        accepted: () => clock.clearTimeout(acceptTimer),
        answered: (m) => {
          done();
          if (m.outcome) resolve(m.outcome);
          else reject(m.error === 'COMMAND_TIMEOUT' ? timedOut(terminalId, commandId, timeoutMs) : offline(terminalId, commandId));
        },
      });
      // never sent late: once ACCEPT_MS has passed the admin has been told the terminal is offline
      this.deps.bus.publish(
        'agent.command',
        { requestId, terminalId, commandId, command, timeoutMs, acceptBy: this.deps.clock.now() + ACCEPT_MS },
        { backlog: false },
      );
    });
  }

  /** Another broker asks for a terminal whose socket may be here. */
  async #serve(payload: unknown): Promise<void> {
    const m = requestMessage.safeParse(payload);
    if (!m.success) return;
    const { requestId, terminalId, commandId, command, timeoutMs, acceptBy } = m.data;
    const link = this.deps.hub.get(terminalId);
    // only while the accept can still reach the asker in time (allowing for a little clock skew):
    // a request this late is, or is about to be, answered as offline there
    if (!link || this.deps.clock.now() > acceptBy - CLOCK_SKEW_MS) return;
    this.deps.bus.publish('agent.command-accepted', { requestId }, { backlog: false });
    try {
      const outcome = await this.#sendHere(link, commandId, command, timeoutMs);
      // the asking broker writes the window to the database; the presence held here must follow
      if (outcome.ok && command.type === 'bind-window') this.deps.presence.update(terminalId, { windowId: command.windowId });
      this.deps.bus.publish('agent.command-answer', { requestId, outcome, error: null }, { backlog: false });
    } catch (err) {
      const code = isAppError(err) && err.code === 'COMMAND_TIMEOUT' ? 'COMMAND_TIMEOUT' : 'TERMINAL_OFFLINE';
      if (!isAppError(err)) this.deps.logger.error({ err, terminalId }, 'relayed command failed');
      this.deps.bus.publish('agent.command-answer', { requestId, outcome: null, error: code }, { backlog: false });
    }
  }
}

function offline(terminalId: string, commandId: string): AppError {
  return new AppError('TERMINAL_OFFLINE', { terminalId, commandId });
}

function timedOut(terminalId: string, commandId: string, timeoutMs: number): AppError {
  return new AppError('COMMAND_TIMEOUT', { terminalId, commandId, timeoutSeconds: timeoutMs / 1000 });
}
