import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Router } from 'express';
import type { Sequelize } from 'sequelize';
import type { AuditService } from '../audit/audit.service.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { JoinTokenService } from '../join-tokens/join-token.service.js';
import type { Clock } from '../lib/clock.js';
import { localOnlyBus, type ClusterBus } from '../lib/cluster-bus.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import type { LiveTunnels } from '../sessions/live-tunnels.js';
import { messageFor } from '../tunnel/guac-status.codes.js';
import type { TunnelBroker } from '../tunnel/tunnel-target.js';
import { ConnectorDirectory } from './connector-directory.js';
import { ConnectorEnrollment } from './connector-enrollment.service.js';
import { ConnectorGateway } from './connector-gateway.js';
import { CONNECTOR_CUT, ConnectorHub, type ConnectorHubSettings } from './connector-hub.js';
import { routeThroughConnectors } from './connector-routing.js';
import { mountConnectorRoutes } from './connector.routes.js';
import { ConnectorStats } from './connector-stats.js';

export interface ConnectorFleetDeps {
  sequelize: Sequelize;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  docs: OpenApiDocs;
  /** this broker process (broker_instances.id) */
  instanceId: string;
  /** `YUNZHUO_CONNECTOR_URL`, `{port}` still in it */
  advertisedUrl: string | undefined;
  listenHost: string;
  settings?: Partial<ConnectorHubSettings>;
  /** the relay's live tunnels (read when needed: the relay is built after the fleet) */
  tunnels?: () => LiveTunnels;
}

/** Town connectors, assembled: enrollment, the `/connector` socket, discovery, revocation, the listeners guacd dials. */
export function createConnectorFleet(deps: ConnectorFleetDeps) {
  let bus: ClusterBus = localOnlyBus;
  const directory = new ConnectorDirectory({ sequelize: deps.sequelize, instanceId: deps.instanceId, now: () => deps.clock.now() });
  const stats = new ConnectorStats({ clock: deps.clock, logger: deps.logger });
  const hub = new ConnectorHub({
    directory,
    stats,
    events: deps.events,
    clock: deps.clock,
    logger: deps.logger,
    instanceId: deps.instanceId,
    settings: { pingMs: 10_000, ...deps.settings },
  });
  const gateway = new ConnectorGateway({
    hub,
    audit: deps.audit,
    logger: deps.logger,
    listenHost: deps.listenHost,
    onStreamBroken: (sessionId) => deps.tunnels?.().closeSession(sessionId, 'desktop-failed', messageFor('DESKTOP_UNAVAILABLE')),
  });
  const joinTokens = new JoinTokenService({ audit: deps.audit, events: deps.events, clock: deps.clock });
  const enrollment = new ConnectorEnrollment({
    joinTokens,
    audit: deps.audit,
    events: deps.events,
    clock: deps.clock,
    onRevoked: (id) => {
      hub.cut(id, 'revoked');
      bus.publish(CONNECTOR_CUT, { id });
    },
  });

  return {
    hub,
    gateway,
    /** the relay's engine, with town desktops reached through the listeners */
    route: (engine: TunnelBroker) => routeThroughConnectors(engine, { directory, gateway }),
    shareWith(clusterBus: ClusterBus): void {
      bus = clusterBus;
      hub.listenTo(clusterBus);
    },
    /** after the server listens: tell connectors where this process is */
    advertise: (port: number) => directory.advertise(deps.advertisedUrl ? deps.advertisedUrl.replace('{port}', String(port)) : null),
    mount(publicApi: Router, consoleApi: Router): void {
      mountConnectorRoutes(publicApi, consoleApi, { enrollment, hub, directory, docs: deps.docs });
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      hub.handleUpgrade(req, socket, head).catch((err: unknown) => {
        deps.logger.error({ err }, 'connector upgrade failed');
        socket.destroy();
      });
    },
    async close(): Promise<void> {
      await hub.close();
      await gateway.close();
    },
  };
}

export type ConnectorFleet = ReturnType<typeof createConnectorFleet>;
