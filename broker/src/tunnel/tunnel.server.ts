import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { refuseUpgrade } from '../http/upgrade-refusal.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { statusForCloseReason } from './guac-status.codes.js';
import { DEFAULT_MAX_PARK_MS, DesktopParking } from './desktop-parking.js';
import { TunnelConnection, type TunnelStats } from './tunnel.connection.js';

export type { TunnelStats };
import type { TunnelBroker, TunnelCloseReason } from './tunnel-target.js';
import { resolveTunnelLimits, type TunnelLimits } from './tunnel.limits.js';

export const TUNNEL_SUBPROTOCOL = 'guacamole';

export interface TunnelServerDeps {
  broker: TunnelBroker;
  logger: Logger;
  clock: Clock;
  limits?: Partial<TunnelLimits>;
  /** keep a leaving browser's desktop attached so its return is a join, not a new RDP login (off in unit tests) */
  parkDesktops?: boolean | { maxParkMs: number };
}

export interface TunnelServer {
  /** For `GET /tunnel` upgrades (the HTTP server routes by path). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Closes the session's live tunnel (takeover, logoff, admin); the browser sees `message`.
   * `keepTerminalId`: leave it open if it is that terminal's (the takeover's new one).
   */
  closeSession(sessionId: string, reason: TunnelCloseReason, message: string, keepTerminalId?: string): boolean;
  /** the sessions with a live tunnel here (and its terminal), and those with a parked desktop */
  held(): { tunnels: Array<{ sessionId: string; terminalId: string | null }>; parked: string[] };
  liveCount(): number;
  /** Backlog figures of a session's tunnel, or null. */
  inspect(sessionId: string): TunnelStats | null;
  /** The session ended: a parked desktop of it is let go. */
  sessionEnded(sessionId: string): void;
  /** how many desktops are parked (browser away, guacd user kept) */
  parkedCount(): number;
  /** Closes every tunnel (broker-shutdown) and waits until the engine has been told. */
  close(): Promise<void>;
}

function queryOf(url: string | undefined): string {
  const at = url?.indexOf('?') ?? -1;
  return url !== undefined && at >= 0 ? url.slice(at + 1) : '';
}

/** The WebSocket endpoint that the stock Guacamole.WebSocketTunnel talks to. */
export function createTunnelServer(deps: TunnelServerDeps): TunnelServer {
  const limits = resolveTunnelLimits(deps.limits);
  const logger = deps.logger.child({ component: 'tunnel' });
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    // The stock client sends one instruction per message; this only bounds a misbehaving one.
    maxPayload: limits.maxUpstreamInstructionBytes * 4,
    handleProtocols: (protocols) => (protocols.has(TUNNEL_SUBPROTOCOL) ? TUNNEL_SUBPROTOCOL : false),
  });
  const parking = deps.parkDesktops
    ? new DesktopParking({
        clock: deps.clock,
        logger,
        guacdCloseGraceMs: limits.guacdCloseGraceMs,
        maxParkMs: typeof deps.parkDesktops === 'object' ? deps.parkDesktops.maxParkMs : DEFAULT_MAX_PARK_MS,
      })
    : undefined;
  const live = new Set<TunnelConnection>();
  const bySession = new Map<string, TunnelConnection>();
  let shuttingDown = false;

  const hooks = {
    redeemed(tunnel: TunnelConnection): void {
      const sessionId = tunnel.sessionId;
      if (sessionId === null) return;
      const older = bySession.get(sessionId);
      bySession.set(sessionId, tunnel);
      // One tunnel per session: a newer one (a reload, another window) replaces it.
      older?.close('taken-over', { status: statusForCloseReason('taken-over'), message: '会话已在另一连接中打开 / opened in another connection' });
    },
    closed(tunnel: TunnelConnection): void {
      live.delete(tunnel);
      const sessionId = tunnel.sessionId;
      if (sessionId !== null && bySession.get(sessionId) === tunnel) bySession.delete(sessionId);
    },
  };

  return {
    handleUpgrade(req, socket, head) {
      if (shuttingDown) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      // before the token is redeemed: a socket that cannot speak the tunnel must not spend it
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes(TUNNEL_SUBPROTOCOL)) return refuseUpgrade(socket, 'TUNNEL_SUBPROTOCOL_REQUIRED', { expected: TUNNEL_SUBPROTOCOL });
      const query = queryOf(req.url);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const tunnel = new TunnelConnection(ws, { broker: deps.broker, logger, clock: deps.clock, limits, parking }, hooks);
        live.add(tunnel);
        tunnel.start(query);
      });
    },
    closeSession(sessionId, reason, message, keepTerminalId) {
      const tunnel = bySession.get(sessionId);
      if (!tunnel || (keepTerminalId !== undefined && tunnel.terminalId === keepTerminalId)) return false;
      return tunnel.close(reason, { status: statusForCloseReason(reason), message });
    },
    liveCount: () => live.size,
    held() {
      return {
        tunnels: [...bySession.entries()].map(([sessionId, tunnel]) => ({ sessionId, terminalId: tunnel.terminalId })),
        parked: parking?.sessionIds() ?? [],
      };
    },
    inspect(sessionId) {
      return bySession.get(sessionId)?.inspect() ?? null;
    },
    sessionEnded(sessionId) {
      parking?.release(sessionId, 'session ended');
    },
    parkedCount: () => parking?.size ?? 0,
    async close() {
      shuttingDown = true;
      const tunnels = [...live];
      for (const tunnel of tunnels) {
        tunnel.close('broker-shutdown', {
          status: statusForCloseReason('broker-shutdown'),
          message: '服务正在重启，请稍后重新连接 / the broker is restarting; reconnect shortly',
        });
      }
      await Promise.all(tunnels.map((tunnel) => tunnel.done));
      parking?.close();
      wss.close();
    },
  };
}
