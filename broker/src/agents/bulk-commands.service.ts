import { randomUUID } from 'node:crypto';
import { Op } from 'sequelize';
import type { z } from 'zod';
import type { BulkCommandResult, BulkTerminalResult, bulkCommandBody } from '@yunzhuo/protocol/agent/bulk-commands';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything } from '../auth/policy.js';
import { findVisible } from '../auth/row-access.js';
import type { AuditService } from '../audit/audit.service.js';
import { isAppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { Semaphore } from '../lib/semaphore.js';
import { Site } from '../sites/site.model.js';
import { DesktopSession } from '../sessions/session.model.js';
import { Terminal } from '../terminals/terminal.model.js';
import { HallWindow } from '../windows/window.model.js';
import type { TerminalWaker } from '../power/terminal-waker.js';
import type { AgentCommandService } from './agent-commands.service.js';

type BulkRequest = z.output<typeof bulkCommandBody>;
type AgentBulkRequest = BulkRequest & { command: Exclude<BulkRequest['command'], { type: 'wake' }> };
const siteVisibility = { model: Site, type: 'site', siteOf: (s: Site) => s.id };
const OUTCOME_OF: Record<string, BulkTerminalResult['outcome']> = {
  TERMINAL_OFFLINE: 'offline',
  COMMAND_TIMEOUT: 'timeout',
  COMMAND_FAILED: 'failed',
  INTERNAL: 'failed',
};

/**
 * One command to every terminal in service at a site (or at the windows of one hall area),
 * fanned out over the per-terminal command path (acks, the relay to other broker processes,
 * one `terminal.command` audit row each, tagged with the bulk id), `concurrency` at a time.
 * Each terminal's outcome is reported; one `terminal.bulk-command` row sums them up.
 */
export class BulkCommandService {
  constructor(private readonly deps: { commands: AgentCommandService; audit: AuditService; clock: Clock; concurrency?: number; waker?: TerminalWaker }) {}

  /**
   * `keepTerminalsInUse`: a terminal whose clerk is working (a session requested, connecting or
   * active there) is left alone and reported `refused` / `IN_USE` (the night power-off: a clerk
   * working late keeps the box).
   */
  async run(actor: Actor, request: BulkRequest, opts: { keepTerminalsInUse?: boolean } = {}): Promise<BulkCommandResult> {
    assertCanWriteAnything(actor);
    const site = await findVisible(siteVisibility, actor, request.siteId, 'write');
    const windows = await HallWindow.findAll({ where: { siteId: site.id, ...(request.area ? { area: request.area } : {}) }, attributes: ['id', 'code'] });
    const codeOf = new Map(windows.map((w) => [w.id, w.code]));
    let terminals = await Terminal.findAll({
      where: { siteId: site.id, state: 'active', ...(request.area ? { windowId: { [Op.in]: [...codeOf.keys()] } } : {}) },
      order: [['name', 'ASC']],
    });
    const bulkId = randomUUID();
    const limit = new Semaphore(this.deps.concurrency ?? 16);
    const { command } = request;
    const inUse = opts.keepTerminalsInUse ? await terminalsInUse(terminals.map((t) => t.id)) : new Set<string>();
    const kept = terminals.filter((t) => inUse.has(t.id)).map((t) => keptInUse(t, codeOf.get(t.windowId ?? '') ?? null));
    if (inUse.size) terminals = terminals.filter((t) => !inUse.has(t.id));
    const acted =
      command.type === 'wake'
        ? await this.#wake(actor, site.id, terminals, codeOf, bulkId, request.timeoutSeconds)
        : await Promise.all(
            terminals.map((terminal) =>
              limit.run(() => this.#one(actor, terminal, codeOf.get(terminal.windowId ?? '') ?? null, { ...request, command }, bulkId)),
            ),
          );
    const results = [...acted, ...kept];
    const succeeded = results.filter((r) => r.outcome === 'ok').length;
    const counts = Object.fromEntries(['ok', 'failed', 'offline', 'timeout', 'refused'].map((o) => [o, results.filter((r) => r.outcome === o).length]));
    await this.deps.audit.record(actor, {
      action: 'terminal.bulk-command',
      targetType: 'site',
      targetId: site.id,
      siteId: site.id,
      details: { bulkId, type: request.command.type, command: request.command, area: request.area ?? null, total: results.length, counts },
    });
    return { bulkId, type: request.command.type, total: results.length, succeeded, results };
  }

  /** wake-on-LAN: the relays are the site's online terminals, whatever area the targets are in */
  async #wake(
    actor: Actor,
    siteId: string,
    terminals: Terminal[],
    codeOf: Map<string, string>,
    bulkId: string,
    timeoutSeconds: number,
  ): Promise<BulkTerminalResult[]> {
    const targets = terminals.map((terminal) => ({ terminal, windowCode: codeOf.get(terminal.windowId ?? '') ?? null }));
    if (!this.deps.waker) return targets.map(({ terminal, windowCode }) => refusedWake(terminal, windowCode));
    const relays = await Terminal.findAll({ where: { siteId, state: 'active', online: true } });
    return this.deps.waker.wake(actor, targets, relays, bulkId, timeoutSeconds);
  }

  async #one(actor: Actor, terminal: Terminal, windowCode: string | null, request: AgentBulkRequest, bulkId: string): Promise<BulkTerminalResult> {
    const started = this.deps.clock.now();
    const base = { terminalId: terminal.id, terminalName: terminal.name, windowCode };
    try {
      const done = await this.deps.commands.run(actor, terminal.id, { command: request.command, timeoutSeconds: request.timeoutSeconds }, { bulkId });
      return { ...base, outcome: 'ok', error: null, result: done.result, durationMs: done.durationMs };
    } catch (err) {
      const code = isAppError(err) ? err.code : 'INTERNAL';
      const agentCode = isAppError(err) && typeof err.details.agentCode === 'string' ? err.details.agentCode : null;
      return { ...base, outcome: OUTCOME_OF[code] ?? 'refused', error: { code, agentCode }, result: null, durationMs: this.deps.clock.now() - started };
    }
  }
}

function refusedWake(terminal: Terminal, windowCode: string | null): BulkTerminalResult {
  return {
    terminalId: terminal.id,
    terminalName: terminal.name,
    windowCode,
    outcome: 'failed',
    error: { code: 'WAKE_NO_RELAY', agentCode: null },
    result: null,
    durationMs: 0,
  };
}

async function terminalsInUse(terminalIds: string[]): Promise<Set<string>> {
  if (terminalIds.length === 0) return new Set();
  const working = await DesktopSession.findAll({
    where: { terminalId: { [Op.in]: terminalIds }, state: { [Op.in]: ['requested', 'connecting', 'active'] } },
    attributes: ['terminalId'],
  });
  return new Set(working.map((s) => s.terminalId!));
}

function keptInUse(terminal: Terminal, windowCode: string | null): BulkTerminalResult {
  return {
    terminalId: terminal.id,
    terminalName: terminal.name,
    windowCode,
    outcome: 'refused',
    error: { code: 'IN_USE', agentCode: null },
    result: null,
    durationMs: 0,
  };
}
