import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Actor } from '../auth/actor.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectorHub } from './connector-hub.js';

/** Who an audit row names when a connector stream opened or closed. */
function connectorActor(connectorId: string | null): Actor {
  return {
    id: connectorId ?? 'connector',
    username: connectorId ? `connector:${connectorId}` : 'connector',
    displayName: '乡镇连接器',
    roles: [],
    homeSiteId: null,
    scope: { all: false, rootSiteId: '', siteIds: new Set(), ancestorIds: new Set() },
    address: null,
  };
}

interface Listener {
  server: Server;
  port: number;
  siteId: string;
  host: string;
  targetPort: number;
  /** the session that last asked for this desktop: guacd's next connection is its */
  sessionId: string | null;
}

/**
 * How long a connection guacd makes is held while no link of the town is up, ms: a connector that
 * restarts or a WAN that blinks comes back within it, and the clerk's reconnecting page then gets
 * its desktop as soon as the link is back instead of spending its retries on refusals.
 */
export const DEFAULT_LINK_HOLD_MS = 20_000;

/**
 * The county side of a town desktop: guacd has no proxy setting, so each desktop reached through
 * a connector gets a TCP listener on this broker (`connectorListenHost`, a port of its own), and
 * every connection guacd makes to it becomes one stream through a live link of the site's
 * connector to the desktop's `host:port` (held up to `holdMs` for a link to come back). Each
 * stream's open and close is audited with its session.
 */
export class ConnectorGateway {
  readonly #listeners = new Map<string, Promise<Listener>>();
  readonly #sockets = new Set<Socket>();

  constructor(
    private readonly deps: {
      hub: ConnectorHub;
      audit: AuditService;
      logger: Logger;
      listenHost: string;
      holdMs?: number;
      /**
       * a session's stream to its town desktop broke (the link was lost, a reset): its tunnel is
       * closed as a failed desktop, so the window page reconnects at once. guacd does not always
       * notice a dead RDP connection by itself (1.6 kept the picture frozen).
       */
      onStreamBroken?: (sessionId: string) => void;
    },
  ) {}

  get listenHost(): string {
    return this.deps.listenHost;
  }

  /** The port guacd should dial for this desktop of `siteId`, remembering the session that asks. */
  async portFor(siteId: string, target: { host: string; port: number }, sessionId: string | null): Promise<number> {
    const key = `${siteId}|${target.host}|${target.port}`;
    let listener = this.#listeners.get(key);
    if (!listener) {
      listener = this.#listen(siteId, target);
      this.#listeners.set(key, listener);
      listener.catch(() => this.#listeners.delete(key));
    }
    const ready = await listener;
    ready.sessionId = sessionId;
    return ready.port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const listeners = await Promise.allSettled(this.#listeners.values());
    this.#listeners.clear();
    await Promise.all(listeners.map((l) => (l.status === 'fulfilled' ? new Promise<void>((resolve) => l.value.server.close(() => resolve())) : undefined)));
  }

  async #listen(siteId: string, target: { host: string; port: number }): Promise<Listener> {
    const server = createServer({ noDelay: true, allowHalfOpen: true }); // a half-close crosses the stream as EOF
    const listener: Listener = { server, port: 0, siteId, host: target.host, targetPort: target.port, sessionId: null };
    server.on('connection', (socket) => void this.#carry(listener, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.deps.listenHost, port: 0 }, () => resolve());
    });
    listener.port = (server.address() as AddressInfo).port;
    return listener;
  }

  async #carry(listener: Listener, socket: Socket): Promise<void> {
    const { sessionId, siteId } = listener;
    const target = { host: listener.host, port: listener.targetPort };
    socket.on('error', () => undefined);
    this.#sockets.add(socket);
    // guacd's bytes wait in the socket (it is not read) until a link of the town is up
    const gone = new Promise((resolve) => socket.once('close', resolve));
    const link = await this.deps.hub.whenLinked(siteId, this.deps.holdMs ?? DEFAULT_LINK_HOLD_MS, gone);
    if (socket.destroyed) {
      this.#sockets.delete(socket);
      return;
    }
    const stream = link?.openStream({ ...target, sessionId });
    if (!link || !stream) {
      this.#sockets.delete(socket);
      socket.destroy();
      this.#audit(null, 'connector.stream.refused', listener, sessionId, { code: link ? 'STREAM_LIMIT' : 'CONNECTOR_OFFLINE', ...target });
      return;
    }
    const opened = { connectorId: link.connectorId, streamId: stream.id, ...target };
    this.#audit(link.connectorId, 'connector.stream.open', listener, sessionId, opened);
    let code = 'EOF';
    stream.on('error', (err: Error & { code?: string }) => {
      code = err.code ?? 'RESET';
      socket.destroy();
    });
    socket.on('close', (hadError) => {
      this.#sockets.delete(socket);
      if (hadError && code === 'EOF') code = 'RESET';
      if (code !== 'EOF' && sessionId) this.deps.onStreamBroken?.(sessionId);
      if (!stream.destroyed && hadError) stream.reset('RESET');
      this.#audit(link.connectorId, 'connector.stream.close', listener, sessionId, {
        ...opened,
        code,
        bytesToDesktop: socket.bytesRead,
        bytesFromDesktop: socket.bytesWritten,
      });
    });
    socket.pipe(stream).pipe(socket);
  }

  #audit(connectorId: string | null, action: string, listener: Listener, sessionId: string | null, details: object): void {
    this.deps.audit
      .record(connectorActor(connectorId), { action, targetType: 'session', targetId: sessionId, siteId: listener.siteId, details })
      .catch((err: unknown) => this.deps.logger.error({ err, action }, 'connector stream audit failed'));
  }
}
