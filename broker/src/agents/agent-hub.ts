import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ERRORS, type ErrorCode } from '@yunzhuo/protocol/errors';
import {
  AGENT_CLOSE,
  AGENT_MAX_MESSAGE_BYTES,
  AGENT_PROTOCOL_HEADER,
  AGENT_PROTOCOL_VERSION,
  agentToBrokerSchema,
  checkAgentProtocol,
  parseFrame,
  type AgentToBroker,
} from '@yunzhuo/protocol/agent/index';
import { isAppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { Terminal } from '../terminals/terminal.model.js';
import { AgentCredentials, credentialOfUpgrade, type AgentTerminalRow } from './agent-credential.js';
import { AgentLink } from './agent-link.js';
import type { PresenceService } from './presence.service.js';

/** module-level, so a listener never holds a closure context (and with it the upgrade request) alive */
const ignore = () => undefined;

type Handlers = { [K in AgentToBroker['type']]: (link: AgentLink, message: Extract<AgentToBroker, { type: K }>) => void };

/** a close reason is at most 123 bytes of UTF-8 */
function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

function refuse(socket: Duplex, code: ErrorCode, details: Record<string, unknown> = {}): void {
  const spec = ERRORS[code];
  const body = JSON.stringify({ error: { code, message: `${spec.zh} / ${spec.en}`, details } });
  socket.end(
    `HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * `/agent`: one WebSocket per terminal. The protocol version and the credential are checked
 * before the upgrade (a refusal is a plain HTTP 4xx with the usual JSON error); afterwards every
 * frame is validated, and a frame that fails closes that one socket with PROTOCOL_VIOLATION
 * without applying anything it said.
 */
export class AgentHub {
  readonly #links = new Map<string, AgentLink>();
  readonly #credentials = new AgentCredentials();
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: AGENT_MAX_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false });
  readonly #unsubscribe: () => void;
  readonly #handlers: Handlers = {
    heartbeat: (link, m) => {
      this.deps.presence.heartbeat(link.terminalId, m);
      link.send({ type: 'heartbeat-ack', seq: m.seq });
    },
    'command-result': (link, m) => {
      if (!link.settle(m)) this.deps.logger.debug({ terminalId: link.terminalId, commandId: m.commandId }, 'answer to an unknown or timed-out command');
    },
    lifecycle: (link, m) => this.deps.presence.lifecycle(link.terminalId, m.state),
  };

  constructor(private readonly deps: { presence: PresenceService; events: LiveEvents; clock: Clock; logger: Logger }) {
    deps.presence.onExpired = (terminalId) => this.#links.get(terminalId)?.close(AGENT_CLOSE.HEARTBEAT_TIMEOUT, 'no heartbeat');
    deps.presence.onGone = (terminalId) => {
      this.recheck(terminalId).catch((err: unknown) => deps.logger.error({ err, terminalId }, 'terminal recheck failed'));
    };
    // revocation through `PATCH /terminals/:id` (or a delete) closes the socket at once
    this.#unsubscribe = deps.events.subscribe((event) => {
      if (event.type !== 'resource.changed') return;
      const { data } = event;
      if (data.resource === 'terminals' && this.#links.has(data.id)) {
        this.recheck(data.id).catch((err: unknown) => deps.logger.error({ err, terminalId: data.id }, 'terminal recheck failed'));
      }
    });
  }

  get(terminalId: string): AgentLink | undefined {
    return this.#links.get(terminalId);
  }

  get size(): number {
    return this.#links.size;
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', ignore);
    const version = checkAgentProtocol(req.headers[AGENT_PROTOCOL_HEADER] as string | undefined);
    if (!version.ok) return refuse(socket, 'AGENT_VERSION_UNSUPPORTED', { reason: version.reason, supported: AGENT_PROTOCOL_VERSION });
    let terminal: AgentTerminalRow;
    try {
      terminal = await this.#credentials.verify(credentialOfUpgrade(req));
    } catch (err) {
      if (isAppError(err)) return refuse(socket, err.code, err.code === 'TERMINAL_UNKNOWN' ? {} : err.details);
      this.deps.logger.error({ err }, 'agent credential check failed');
      return refuse(socket, 'INTERNAL');
    }
    if (socket.destroyed) return;
    const meta = { protocolVersion: `${version.major}.${version.minor}`, address: req.socket.remoteAddress ?? null };
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(ws, terminal, meta));
  }

  /** After an admin change to the terminal row: a revoked or deleted terminal loses its socket now. */
  async recheck(terminalId: string): Promise<void> {
    const row = await Terminal.findByPk(terminalId, { attributes: ['id', 'state', 'windowId'], raw: true });
    if (!row || row.state !== 'active') return this.disconnect(terminalId, row ? 'revoked' : 'deleted', row?.state);
    this.deps.presence.update(terminalId, { windowId: row.windowId });
  }

  disconnect(terminalId: string, reason: string, state?: string): void {
    if (state) this.deps.presence.update(terminalId, { state });
    const link = this.#links.get(terminalId);
    this.#links.delete(terminalId);
    link?.close(AGENT_CLOSE.REVOKED, reason);
    this.deps.presence.markOffline(terminalId);
  }

  /** Tells every agent the broker is going away, waits up to `graceMs` for the close handshakes, then cuts the rest. */
  async close(graceMs = 1000): Promise<void> {
    this.#unsubscribe();
    const links = [...this.#links.values()];
    this.#links.clear();
    const closed = links.map(
      (link) =>
        new Promise<void>((resolve) => {
          if (link.ws.readyState === link.ws.CLOSED) return resolve();
          link.ws.once('close', () => resolve());
          link.close(AGENT_CLOSE.GOING_AWAY, 'broker stopping');
        }),
    );
    await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    for (const link of links) link.ws.terminate();
    this.#wss.close();
  }

  #attach(ws: WebSocket, terminal: AgentTerminalRow, meta: { protocolVersion: string; address: string | null }): void {
    const link = new AgentLink(terminal.id, ws, meta.protocolVersion);
    const previous = this.#links.get(terminal.id);
    if (previous) {
      this.deps.logger.warn({ terminalId: terminal.id, address: meta.address }, 'agent connection replaced by a newer one');
      previous.close(AGENT_CLOSE.REPLACED, 'replaced by a newer connection');
    }
    this.#links.set(terminal.id, link);
    this.deps.presence.connected(terminal, meta);
    this.#listen(link);
    link.send({
      type: 'welcome',
      protocolVersion: AGENT_PROTOCOL_VERSION,
      terminalId: terminal.id,
      siteId: terminal.siteId,
      windowId: terminal.windowId,
      name: terminal.name,
      serverTime: this.deps.clock.now(),
    });
  }

  /** Listeners close over the link alone: the Terminal row and the upgrade request are not kept for the socket's life. */
  #listen(link: AgentLink): void {
    link.ws.on('message', (data, isBinary) => this.#onMessage(link, data, isBinary));
    link.ws.on('error', ignore);
    link.ws.on('close', () => {
      link.failAll('disconnected');
      if (this.#links.get(link.terminalId) !== link) return;
      this.#links.delete(link.terminalId);
      this.deps.presence.disconnected(link.terminalId);
    });
  }

  #onMessage(link: AgentLink, data: RawData, isBinary: boolean): void {
    if (isBinary) return link.close(AGENT_CLOSE.PROTOCOL_VIOLATION, 'binary frames are not part of the protocol');
    const parsed = parseFrame(agentToBrokerSchema, data.toString());
    if (!parsed.ok) {
      this.deps.logger.warn({ terminalId: link.terminalId, reason: parsed.reason }, 'agent message failed the schema');
      return link.close(AGENT_CLOSE.PROTOCOL_VIOLATION, closeReason(`schema: ${parsed.reason}`));
    }
    const message = parsed.message;
    // a socket already let go here (revoked, replaced) no longer speaks for its terminal: a beat
    // still in flight must not mark it seen again; a late answer still settles its own command
    if (message.type !== 'command-result' && this.#links.get(link.terminalId) !== link) return;
    const handler = this.#handlers[message.type] as (link: AgentLink, m: AgentToBroker) => void;
    handler(link, message);
  }
}
