import { isIP } from 'node:net';
import type { EnrollRequest, EnrollResponse } from '@yunzhuo/protocol/agent/index';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything } from '../auth/policy.js';
import type { AuditService } from '../audit/audit.service.js';
import { findVisible } from '../auth/row-access.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError, isAppError } from '../lib/app-error.js';
import type { ClusterBus } from '../lib/cluster-bus.js';
import type { LiveEvents } from '../lib/live-events.js';
import { SharedCounts } from '../lib/shared-counts.js';
import type { JoinTokenService } from '../join-tokens/join-token.service.js';
import { Terminal } from '../terminals/terminal.model.js';
import { issueTerminalCredential, presentTerminal } from '../terminals/terminal.resource.js';
import { agentActor } from './agent-actor.js';
import type { AgentHub } from './agent-hub.js';

const terminalVisibility = { model: Terminal, type: 'terminal', siteOf: (t: Terminal) => t.siteId };
/** refused enrollments per address before the endpoint stops answering (and auditing) for a while */
const MAX_REFUSALS = 30;
const REFUSAL_WINDOW_SECONDS = 600;
/** the key a refusal is counted under: the client's IP, or 'unknown' when it has none */
const UNKNOWN_ADDRESS = 'unknown';

/**
 * A thin client trades a site's join token for its own identity (terminal id + secret); the
 * token's use is taken atomically before the terminal is saved. Refusals are audited with
 * their code. With `requireApproval` the terminal waits in `pending` until an admin approves it.
 * With several brokers (`shareWith` the cluster bus) each process counts every process's
 * refusals, so guessing join tokens across brokers does not multiply the allowance.
 */
export class EnrollmentService {
  readonly #refusals = new SharedCounts('enroll.refused', MAX_REFUSALS, REFUSAL_WINDOW_SECONDS, (key) => key === UNKNOWN_ADDRESS || isIP(key) !== 0);

  constructor(private readonly deps: { joinTokens: JoinTokenService; audit: AuditService; events: LiveEvents; hub: AgentHub }) {}

  async enroll(request: EnrollRequest, address: string | null): Promise<EnrollResponse> {
    await this.#assertNotThrottled(address);
    const actor = agentActor(address);
    try {
      // no transaction: on SQLite concurrent transactions contend for the lock; the use is taken by one
      // atomic UPDATE and given back if the terminal cannot be saved
      const token = await this.deps.joinTokens.consume(request.joinToken);
      const joinTokenId = token.id;
      const terminal = Terminal.build({
        siteId: token.siteId,
        windowId: null,
        name: request.name,
        hardwareId: request.hardwareId,
        state: token.requireApproval ? 'pending' : 'active',
        lastSeenAt: null,
        agentVersion: request.agentVersion ?? null,
        address,
        secretHash: null,
        info: null,
      });
      const credential = issueTerminalCredential(terminal);
      try {
        await terminal.save();
      } catch (err) {
        await this.deps.joinTokens.release(token.id);
        throw err;
      }
      await this.deps.audit.record(agentActor(address, terminal.id), {
        action: 'agent.enroll',
        targetType: 'terminal',
        targetId: terminal.id,
        siteId: terminal.siteId,
        after: presentTerminal(terminal),
        details: { joinTokenId, hardwareId: request.hardwareId, state: terminal.state },
      });
      this.deps.events.publish('resource.changed', { resource: 'terminals', id: terminal.id, action: 'create', siteId: terminal.siteId });
      this.#publish(terminal);
      return { terminalId: terminal.id, siteId: terminal.siteId, credential, state: terminal.state === 'pending' ? 'pending' : 'active' };
    } catch (err) {
      if (!isAppError(err) || !err.code.startsWith('JOIN_TOKEN_')) throw err;
      await this.#refusals.add(address ?? UNKNOWN_ADDRESS);
      const siteId = typeof err.details.siteId === 'string' ? err.details.siteId : null;
      await this.deps.audit.record(actor, {
        action: 'agent.enroll.refused',
        targetType: 'join-token',
        targetId: typeof err.details.joinTokenId === 'string' ? err.details.joinTokenId : null,
        siteId,
        details: { code: err.code, hardwareId: request.hardwareId, name: request.name, address },
      });
      throw new AppError(err.code);
    }
  }

  /** Counts the other broker processes' refusals too, and tells them of this one's. */
  shareWith(bus: ClusterBus): void {
    this.#refusals.shareWith(bus);
  }

  async approve(actor: Actor, terminalId: string): Promise<Terminal> {
    assertCanWriteAnything(actor);
    const terminal = await writeTransaction(Terminal.sequelize!, async (transaction) => {
      const terminal = await findVisible(terminalVisibility, actor, terminalId, 'write', transaction);
      if (terminal.state !== 'pending') throw new AppError('CONFLICT', { state: terminal.state, reason: 'only a pending terminal can be approved' });
      const before = presentTerminal(terminal);
      await terminal.update({ state: 'active' }, { transaction });
      await this.deps.audit.record(
        actor,
        { action: 'terminal.approve', targetType: 'terminal', targetId: terminal.id, siteId: terminal.siteId, before, after: presentTerminal(terminal) },
        transaction,
      );
      return terminal;
    });
    this.deps.events.publish('resource.changed', { resource: 'terminals', id: terminal.id, action: 'update', siteId: terminal.siteId });
    this.#publish(terminal);
    return terminal;
  }

  /** Revokes the credential for good (its hash is erased) and closes the agent's socket at once. */
  async revoke(actor: Actor, terminalId: string): Promise<Terminal> {
    assertCanWriteAnything(actor);
    const terminal = await writeTransaction(Terminal.sequelize!, async (transaction) => {
      const terminal = await findVisible(terminalVisibility, actor, terminalId, 'write', transaction);
      const before = presentTerminal(terminal);
      await terminal.update({ state: 'revoked', secretHash: null, online: false }, { transaction });
      await this.deps.audit.record(
        actor,
        { action: 'terminal.revoke', targetType: 'terminal', targetId: terminal.id, siteId: terminal.siteId, before, after: presentTerminal(terminal) },
        transaction,
      );
      return terminal;
    });
    this.deps.hub.disconnect(terminal.id, 'revoked', 'revoked');
    this.deps.events.publish('resource.changed', { resource: 'terminals', id: terminal.id, action: 'update', siteId: terminal.siteId });
    this.#publish(terminal);
    return terminal;
  }

  async #assertNotThrottled(address: string | null): Promise<void> {
    const retryAfterSeconds = await this.#refusals.blockedFor(address ?? UNKNOWN_ADDRESS);
    if (retryAfterSeconds !== null) throw new AppError('TOO_MANY_ATTEMPTS', { retryAfterSeconds });
  }

  #publish(t: Terminal): void {
    this.deps.events.publish('terminal.changed', { id: t.id, state: t.state, siteId: t.siteId, windowId: t.windowId, online: t.online });
  }
}
