import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Router } from 'express';
import type { Sequelize } from 'sequelize';
import type { AuditService } from '../audit/audit.service.js';
import type { OpenApiDocs } from '../http/openapi.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { mountJoinTokens } from '../join-tokens/join-token.routes.js';
import { JoinTokenService } from '../join-tokens/join-token.service.js';
import { localOnlyBus, type ClusterBus } from '../lib/cluster-bus.js';
import { AgentCommandRelay } from './agent-command-relay.js';
import { AgentCommandService } from './agent-commands.service.js';
import { BulkCommandService } from './bulk-commands.service.js';
import { AgentHub } from './agent-hub.js';
import { mountAgentRoutes } from './agent.routes.js';
import { EnrollmentService } from './enrollment.service.js';
import { PresenceService, type PresenceTimings } from './presence.service.js';
import { TerminalWaker, type BrokerWake } from '../power/terminal-waker.js';

export interface AgentFleetDeps {
  sequelize: Sequelize;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  docs: OpenApiDocs;
  timings?: Partial<PresenceTimings>;
  /** other broker processes on the same database (commands to an agent connected to one of them) */
  bus?: ClusterBus;
  /** the broker's own wake-on-LAN sender (`YUNZHUO_WAKE_BROADCAST`), when on the terminals' segment */
  wake?: BrokerWake | null;
}

/** The agent side of the broker, assembled: join tokens, enrollment, the `/agent` socket, presence, commands. */
export function createAgentFleet(deps: AgentFleetDeps) {
  const presence = new PresenceService({
    sequelize: deps.sequelize,
    clock: deps.clock,
    events: deps.events,
    logger: deps.logger,
    ...(deps.timings ? { timings: deps.timings } : {}),
  });
  const hub = new AgentHub({ presence, events: deps.events, clock: deps.clock, logger: deps.logger });
  const joinTokens = new JoinTokenService({ audit: deps.audit, events: deps.events, clock: deps.clock });
  const enrollment = new EnrollmentService({ joinTokens, audit: deps.audit, events: deps.events, hub });
  if (deps.bus) enrollment.shareWith(deps.bus);
  const relay = new AgentCommandRelay({ hub, presence, bus: deps.bus ?? localOnlyBus, clock: deps.clock, logger: deps.logger });
  const commands = new AgentCommandService({ relay, presence, audit: deps.audit, events: deps.events, clock: deps.clock });
  const waker = new TerminalWaker({ commands, audit: deps.audit, clock: deps.clock, broker: deps.wake ?? null });
  const bulk = new BulkCommandService({ commands, audit: deps.audit, clock: deps.clock, waker });

  return {
    hub,
    presence,
    bulk,
    start: () => presence.start(),
    mount(publicApi: Router, consoleApi: Router): void {
      mountJoinTokens(consoleApi, joinTokens, deps.clock, deps.docs);
      mountAgentRoutes(publicApi, consoleApi, { enrollment, commands, bulk, hub, presence, docs: deps.docs });
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      hub.handleUpgrade(req, socket, head).catch((err: unknown) => {
        deps.logger.error({ err }, 'agent upgrade failed');
        socket.destroy();
      });
    },
    /** Agents are told the broker is going away (they reconnect later); buffered presence is written. */
    async close(): Promise<void> {
      await hub.close();
      await presence.close();
    },
  };
}

export type AgentFleet = ReturnType<typeof createAgentFleet>;
