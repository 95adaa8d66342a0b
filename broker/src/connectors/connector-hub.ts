import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CONNECTOR_CLOSE,
  CONNECTOR_MAX_CONTROL_BYTES,
  CONNECTOR_PROTOCOL_HEADER,
  CONNECTOR_PROTOCOL_VERSION,
  DEFAULT_MAX_MUX_PAYLOAD_BYTES,
  checkConnectorProtocol,
  connectorToBrokerSchema,
  parseControl,
} from '@yunzhuo/protocol/connector/index';
import { refuseUpgrade } from '../http/upgrade-refusal.js';
import { isAppError } from '../lib/app-error.js';
import { every, type Clock } from '../lib/clock.js';
import type { ClusterBus } from '../lib/cluster-bus.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import type { ConnectorDirectory } from './connector-directory.js';
import { verifyConnectorCredential } from './connector-enrollment.service.js';
import { ConnectorLink } from './connector-link.js';
import { ConnectorStats } from './connector-stats.js';

const ignore = () => undefined;
/** the cluster-bus message that cuts a connector on every broker process */
export const CONNECTOR_CUT = 'connector.cut';

export interface ConnectorHubSettings {
  /** a WebSocket ping this often; a link that answered nothing for two rounds is cut */
  pingMs: number;
  windowBytes?: number;
  maxStreams?: number;
}

/**
 * `/connector`: one WebSocket per town connector per broker process. The protocol version and
 * the credential are checked before the upgrade; the registry holds this process's live links.
 * A revocation anywhere reaches every process over the cluster bus and cuts the links at once.
 */
export class ConnectorHub {
  readonly #links = new Map<string, ConnectorLink>();
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.max(CONNECTOR_MAX_CONTROL_BYTES, DEFAULT_MAX_MUX_PAYLOAD_BYTES + 64),
    perMessageDeflate: false,
    clientTracking: false,
  });
  readonly #stopPing: () => void;
  readonly #unsubscribe: () => void;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** callers waiting for a link of a site (a connector restarting, a WAN cut): woken on attach */
  readonly #waiting = new Map<string, Set<(link: ConnectorLink) => void>>();

  constructor(
    private readonly deps: {
      directory: ConnectorDirectory;
      stats: ConnectorStats;
      events: LiveEvents;
      clock: Clock;
      logger: Logger;
      instanceId: string;
      settings: ConnectorHubSettings;
    },
  ) {
    this.#stopPing = every(deps.clock, deps.settings.pingMs, () => this.#livenessRound());
    // a desktop or pool changed: every connected connector gets its new target list
    this.#unsubscribe = deps.events.subscribe((event) => {
      if (event.type === 'resource.changed' && (event.data.resource === 'desktops' || event.data.resource === 'pools')) this.#scheduleRefresh();
    });
  }

  get size(): number {
    return this.#links.size;
  }

  get(connectorId: string): ConnectorLink | undefined {
    return this.#links.get(connectorId);
  }

  /** A live link of the site's connectors on this process (the one carrying fewest streams). */
  linkFor(siteId: string): ConnectorLink | undefined {
    let best: ConnectorLink | undefined;
    for (const link of this.#links.values()) {
      if (link.siteId === siteId && link.welcomed && link.ws.readyState === link.ws.OPEN && (!best || link.mux.size < best.mux.size)) best = link;
    }
    return best;
  }

  /**
   * A live link of the site now, or the first one that attaches within `holdMs` (clock time);
   * undefined when none came. `cancelled` ends the wait early (the caller's socket closed).
   */
  whenLinked(siteId: string, holdMs: number, cancelled?: Promise<unknown>): Promise<ConnectorLink | undefined> {
    const now = this.linkFor(siteId);
    if (now || holdMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiters = this.#waiting.get(siteId) ?? new Set();
      this.#waiting.set(siteId, waiters);
      const done = (link: ConnectorLink | undefined) => {
        waiters.delete(wake);
        if (waiters.size === 0) this.#waiting.delete(siteId);
        this.deps.clock.clearTimeout(timer);
        resolve(link);
      };
      const wake = (link: ConnectorLink) => done(link);
      const timer = this.deps.clock.setTimeout(() => done(undefined), holdMs);
      timer.unref?.();
      waiters.add(wake);
      void cancelled?.then(() => done(undefined));
    });
  }

  /** connections waiting for a link of the site (observable for tests and logs) */
  waiting(siteId: string): number {
    return this.#waiting.get(siteId)?.size ?? 0;
  }

  listenTo(bus: ClusterBus): void {
    bus.subscribe(CONNECTOR_CUT, (payload) => {
      const id = typeof payload === 'object' && payload !== null ? (payload as { id?: unknown }).id : undefined;
      if (typeof id === 'string') this.cut(id, 'revoked');
    });
  }

  cut(connectorId: string, reason: string): void {
    const link = this.#links.get(connectorId);
    if (!link) return;
    this.#links.delete(connectorId);
    link.mux.lost();
    link.close(CONNECTOR_CLOSE.REVOKED, reason);
    this.deps.logger.info({ connectorId, reason }, 'connector cut');
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', ignore);
    const version = checkConnectorProtocol(req.headers[CONNECTOR_PROTOCOL_HEADER] as string | undefined);
    if (!version.ok) return refuseUpgrade(socket, 'CONNECTOR_VERSION_UNSUPPORTED', { reason: version.reason, supported: CONNECTOR_PROTOCOL_VERSION });
    const credential = /^Connector\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    let row: { id: string; siteId: string };
    try {
      row = await verifyConnectorCredential(credential);
    } catch (err) {
      if (isAppError(err)) return refuseUpgrade(socket, err.code);
      this.deps.logger.error({ err }, 'connector credential check failed');
      return refuseUpgrade(socket, 'INTERNAL');
    }
    if (socket.destroyed) return;
    const address = req.socket.remoteAddress ?? null;
    this.#wss.handleUpgrade(req, socket, head, (ws) => void this.#attach(ws, row, address));
  }

  async close(): Promise<void> {
    this.#stopPing();
    this.#unsubscribe();
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    for (const link of this.#links.values()) {
      link.mux.lost();
      link.close(CONNECTOR_CLOSE.GOING_AWAY, 'broker stopping');
    }
    this.#links.clear();
    this.#wss.close();
  }

  async #attach(ws: WebSocket, row: { id: string; siteId: string }, address: string | null): Promise<void> {
    const { settings } = this.deps;
    const link = new ConnectorLink(row.id, row.siteId, ws, this.deps.clock.now(), {
      ...(settings.windowBytes ? { windowBytes: settings.windowBytes } : {}),
      ...(settings.maxStreams ? { maxStreams: settings.maxStreams } : {}),
    });
    const previous = this.#links.get(row.id);
    if (previous) {
      previous.mux.lost();
      previous.close(CONNECTOR_CLOSE.REPLACED, 'replaced by a newer connection');
    }
    this.#links.set(row.id, link);
    ws.on('error', ignore);
    ws.on('pong', () => (link.alive = true));
    ws.on('message', (data, isBinary) => this.#onMessage(link, data, isBinary));
    ws.on('close', () => {
      link.mux.lost();
      if (this.#links.get(row.id) === link) this.#links.delete(row.id);
      this.deps.stats.disconnected(row.id);
    });
    this.deps.logger.info({ connectorId: row.id, siteId: row.siteId, address }, 'connector linked');
    try {
      const [brokers, targets] = await Promise.all([this.deps.directory.brokerUrls(), this.deps.directory.targetsOf(row.siteId)]);
      link.send({
        type: 'welcome',
        protocolVersion: CONNECTOR_PROTOCOL_VERSION,
        connectorId: row.id,
        siteId: row.siteId,
        brokerId: this.deps.instanceId,
        brokers,
        targets,
      });
      link.welcomed = true; // frames keep their order on the socket: every stream now follows the welcome
      await this.deps.stats.connected(row.id, address);
      for (const wake of [...(this.#waiting.get(row.siteId) ?? [])]) if (link.ws.readyState === link.ws.OPEN) wake(link);
    } catch (err) {
      this.deps.logger.error({ err, connectorId: row.id }, 'connector welcome failed');
      link.close(CONNECTOR_CLOSE.GOING_AWAY, 'welcome failed');
    }
  }

  #onMessage(link: ConnectorLink, data: RawData, isBinary: boolean): void {
    link.alive = true;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) {
      try {
        return link.mux.receive(bytes);
      } catch (err) {
        this.deps.logger.warn({ err, connectorId: link.connectorId }, 'connector framing broken');
        link.mux.lost();
        return link.close(CONNECTOR_CLOSE.PROTOCOL_VIOLATION, `framing: ${(err as Error).message}`);
      }
    }
    const parsed = parseControl(connectorToBrokerSchema, bytes.toString());
    if (!parsed.ok) return link.close(CONNECTOR_CLOSE.PROTOCOL_VIOLATION, `schema: ${parsed.reason}`);
    link.lastStats = { ...parsed.message, at: this.deps.clock.now() };
    this.deps.stats.report(link.connectorId, parsed.message, link.mux.bytes);
  }

  #livenessRound(): void {
    for (const link of [...this.#links.values()]) {
      if (!link.alive) {
        this.deps.logger.warn({ connectorId: link.connectorId }, 'connector link silent: cut');
        link.mux.lost();
        link.ws.terminate();
        continue;
      }
      link.alive = false;
      if (link.ws.readyState === link.ws.OPEN) link.ws.ping();
    }
  }

  #scheduleRefresh(): void {
    if (this.#refreshTimer || this.#links.size === 0) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      const sites = new Set([...this.#links.values()].map((l) => l.siteId));
      for (const siteId of sites) {
        this.deps.directory
          .targetsOf(siteId)
          .then((targets) => {
            for (const link of this.#links.values()) if (link.siteId === siteId) link.send({ type: 'targets', targets });
          })
          .catch((err: unknown) => this.deps.logger.error({ err, siteId }, 'connector targets refresh failed'));
      }
    }, 200);
    this.#refreshTimer.unref();
  }
}
