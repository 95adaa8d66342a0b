import type { TunnelBroker, TunnelTarget } from '../tunnel/tunnel-target.js';
import type { ConnectorDirectory } from './connector-directory.js';
import type { ConnectorGateway } from './connector-gateway.js';

/**
 * The relay's view of the engine with town desktops rerouted: when the desktop's pool is reached
 * through a connector, guacd is handed this broker's listener for that desktop instead of an
 * address it cannot reach (guacd-handshake.builder.ts puts `desktop.host`/`port` in `hostname`/`port`).
 */
export function routeThroughConnectors(engine: TunnelBroker, deps: { directory: ConnectorDirectory; gateway: ConnectorGateway }): TunnelBroker {
  return {
    ...engine,
    async redeemToken(token: string): Promise<TunnelTarget> {
      const target = await engine.redeemToken(token);
      if (target.settings.viaConnector !== true) return target;
      const siteId = await deps.directory.siteOfDesktop(target.desktop.id);
      if (!siteId) return target;
      const port = await deps.gateway.portFor(siteId, { host: target.desktop.host, port: target.desktop.port }, target.sessionId);
      return { ...target, desktop: { ...target.desktop, host: deps.gateway.listenHost, port } };
    },
  };
}
