import type { Router } from 'express';
import { z } from 'zod';
import { terminalOut } from '@yunzhuo/protocol/api/resources';
import { agentStatusOut, commandRequestBody, commandResultOut, enrollRequest, enrollResponse } from '@yunzhuo/protocol/agent/index';
import { actorOf, clientAddress } from '../http/async-router.js';
import { findVisible } from '../auth/row-access.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import { Terminal } from '../terminals/terminal.model.js';
import { presentTerminal } from '../terminals/terminal.resource.js';
import type { AgentCommandService } from './agent-commands.service.js';
import type { BulkCommandService } from './bulk-commands.service.js';
import { bulkCommandBody, bulkCommandResultOut } from '@yunzhuo/protocol/agent/bulk-commands';
import type { AgentHub } from './agent-hub.js';
import type { EnrollmentService } from './enrollment.service.js';
import type { PresenceService } from './presence.service.js';

const params = z.object({ id: z.string().uuid() }).strict();
const terminalVisibility = { model: Terminal, type: 'terminal', siteOf: (t: Terminal) => t.siteId };

export interface AgentRouteDeps {
  enrollment: EnrollmentService;
  commands: AgentCommandService;
  bulk: BulkCommandService;
  hub: AgentHub;
  presence: PresenceService;
  docs: OpenApiDocs;
}

/** Enrollment (public), and the admin side of the fleet: approve, revoke, commands, live agent status. */
export function mountAgentRoutes(publicApi: Router, consoleApi: Router, deps: AgentRouteDeps): void {
  const { docs } = deps;
  docs.route('post', '/api/v1/agent/enroll', {
    summary: 'A thin client trades a join token for its terminal identity',
    tag: 'agent',
    body: enrollRequest,
    response: enrollResponse,
    status: 201,
  });
  docs.route('post', '/api/v1/terminals/{id}/approve', {
    summary: 'Approve a terminal that enrolled with an approval-only join token',
    tag: 'terminals',
    params,
    response: terminalOut,
  });
  docs.route('post', '/api/v1/terminals/{id}/revoke', {
    summary: "Revoke a terminal's credential; its agent is disconnected at once",
    tag: 'terminals',
    params,
    response: terminalOut,
  });
  docs.route('post', '/api/v1/terminals/{id}/commands', {
    summary: "Send a command to the terminal's agent and wait for its answer",
    tag: 'terminals',
    params,
    body: commandRequestBody,
    response: commandResultOut,
  });
  docs.route('get', '/api/v1/terminals/{id}/agent', {
    summary: "The agent's live status as the broker sees it",
    tag: 'terminals',
    params,
    response: agentStatusOut,
  });

  publicApi.post('/agent/enroll', async (req, res) => {
    const body = parseInput(enrollRequest, req.body);
    res.status(201).json(await deps.enrollment.enroll(body, clientAddress(req)));
  });

  consoleApi.post('/terminals/:id/approve', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    res.json(presentTerminal(await deps.enrollment.approve(actorOf(req), id)));
  });

  consoleApi.post('/terminals/:id/revoke', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    res.json(presentTerminal(await deps.enrollment.revoke(actorOf(req), id)));
  });

  consoleApi.post('/terminals/:id/commands', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    const body = parseInput(commandRequestBody, req.body);
    res.json(await deps.commands.run(actorOf(req), id, body));
  });

  docs.route('post', '/api/v1/terminal-commands', {
    summary: 'Send one command to every terminal in service at a site (or one hall area) and report each outcome',
    tag: 'terminals',
    body: bulkCommandBody,
    response: bulkCommandResultOut,
  });
  consoleApi.post('/terminal-commands', async (req, res) => {
    res.json(await deps.bulk.run(actorOf(req), parseInput(bulkCommandBody, req.body)));
  });

  consoleApi.get('/terminals/:id/agent', async (req, res) => {
    const { id } = parseInput(params, req.params, 'params');
    const terminal = await findVisible(terminalVisibility, actorOf(req), id, 'read');
    const presence = deps.presence.get(terminal.id);
    const link = deps.hub.get(terminal.id);
    res.json({
      terminalId: terminal.id,
      connected: Boolean(link),
      online: presence?.online ?? terminal.online,
      lifecycle: presence?.lifecycle ?? null,
      connectedAt: presence?.connectedAt ? iso(new Date(presence.connectedAt)) : null,
      lastHeartbeatAt: presence?.lastBeatAt ? iso(new Date(presence.lastBeatAt)) : iso(terminal.lastSeenAt),
      heartbeatMs: presence?.intervalMs ?? null,
      protocolVersion: link?.protocolVersion ?? null,
      info: presence?.info ?? terminal.info,
    });
  });
}
