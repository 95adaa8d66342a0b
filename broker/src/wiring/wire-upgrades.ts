import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuseUpgrade } from '../http/upgrade-refusal.js';
import { upgradeOriginAllowed } from '../http/websocket-origin.js';
import type { Logger } from '../lib/logger.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The broker's WebSockets, by path (the live feed, agents, the tunnel, connectors): an unknown path
 * is refused NOT_FOUND and a foreign page's origin ORIGIN_NOT_ALLOWED, before any handler sees it.
 */
export function routeUpgrades(server: Server, handlers: ReadonlyMap<string, UpgradeHandler>, allowedOrigins: readonly string[], logger: Logger): void {
  const allowed = new Set(allowedOrigins);
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const handler = handlers.get(path);
    socket.on('error', () => socket.destroy()); // a reset during the upgrade is the client's problem, not a crash
    if (!handler) return void refuseUpgrade(socket, 'NOT_FOUND', { path });
    if (!upgradeOriginAllowed(req, allowed)) {
      logger.warn(
        { code: 'ORIGIN_NOT_ALLOWED', path, origin: req.headers.origin, host: req.headers.host, address: req.socket.remoteAddress },
        'WebSocket upgrade refused: foreign origin',
      );
      return void refuseUpgrade(socket, 'ORIGIN_NOT_ALLOWED', { origin: req.headers.origin ?? null });
    }
    handler(req, socket, head);
  });
}
