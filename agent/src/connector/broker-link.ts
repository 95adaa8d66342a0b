import WebSocket from 'ws';
import {
  CONNECTOR_CLOSE,
  CONNECTOR_MAX_CONTROL_BYTES,
  CONNECTOR_PROTOCOL_HEADER,
  CONNECTOR_PROTOCOL_VERSION,
  CONNECTOR_SOCKET_PATH,
  DEFAULT_MAX_MUX_PAYLOAD_BYTES,
  MuxSession,
  brokerToConnectorSchema,
  parseControl,
  type BrokerToConnector,
  type ConnectorToBroker,
} from '@yunzhuo/protocol/connector/index';
import { backoffDelay, type BackoffPolicy } from '../connection/backoff.js';
import type { Logger } from '../log.js';
import type { Allowlist } from './allowlist.js';
import { answerStream, type DialerCounters } from './stream-dialer.js';
import { errorCodeOf } from '../connection/broker-refusal.js';

export interface BrokerLinkOptions {
  brokerUrl: string;
  credential: string;
  allowlist: Allowlist;
  logger: Logger;
  backoff: BackoffPolicy;
  /** a WebSocket ping this often; no pong (or message) for two rounds cuts the link */
  pingMs: number;
  statsMs: number;
  dialTimeoutMs: number;
  maxStreams: number;
  windowBytes: number;
  onControl(message: BrokerToConnector, link: BrokerLink): void;
  /** the broker refused this connector for good (revoked or unknown) */
  onRefused(code: string): void;
  random?: () => number;
}

const FINAL = new Set(['CONNECTOR_REVOKED', 'CONNECTOR_UNKNOWN']);

export function connectorSocketUrl(brokerUrl: string): string {
  const url = new URL(CONNECTOR_SOCKET_PATH, brokerUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * The connector's outbound link to one broker process, kept up for the connector's life:
 * reconnect with capped, jittered backoff; liveness by ping/pong (the RTT it measures goes to
 * the broker in `stats`); the broker opens streams, this side answers them (stream-dialer.ts).
 */
export class BrokerLink {
  readonly counters: DialerCounters = { refused: 0 };
  #ws: WebSocket | null = null;
  #mux: MuxSession | null = null;
  #attempt = 0;
  #stopped = false;
  #retry: NodeJS.Timeout | null = null;
  #ping: NodeJS.Timeout | null = null;
  #stats: NodeJS.Timeout | null = null;
  #alive = false;
  #pingSentAt = 0;
  rttMs: number | null = null;
  state: 'connecting' | 'ready' | 'waiting' | 'refused' | 'stopped' = 'connecting';

  constructor(private readonly opts: BrokerLinkOptions) {}

  get url(): string {
    return this.opts.brokerUrl;
  }

  get streams(): number {
    return this.#mux?.size ?? 0;
  }

  start(): void {
    this.#connect();
  }

  /** Drops the link for good (the broker left the list, or the connector stops). */
  stop(): void {
    this.#stopped = true;
    this.state = 'stopped';
    if (this.#retry) clearTimeout(this.#retry);
    this.#ws?.close(CONNECTOR_CLOSE.GOING_AWAY, 'connector stopping');
    this.#ws?.terminate();
  }

  #connect(): void {
    if (this.#stopped) return;
    this.state = 'connecting';
    const ws = new WebSocket(connectorSocketUrl(this.opts.brokerUrl), {
      headers: { [CONNECTOR_PROTOCOL_HEADER]: CONNECTOR_PROTOCOL_VERSION, authorization: `Connector ${this.opts.credential}` },
      maxPayload: Math.max(CONNECTOR_MAX_CONTROL_BYTES, DEFAULT_MAX_MUX_PAYLOAD_BYTES + 64),
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.#ws = ws;
    let refusal: string | undefined;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk.slice(0, 4096)));
      res.on('end', () => {
        refusal = errorCodeOf(body) ?? `HTTP_${res.statusCode ?? 0}`;
        ws.terminate();
      });
      res.on('error', () => ws.terminate());
    });
    ws.on('open', () => this.#opened(ws));
    ws.on('error', () => undefined);
    ws.once('close', (code) => this.#closed(ws, code, refusal));
  }

  #opened(ws: WebSocket): void {
    const mux = new MuxSession({
      role: 'acceptor',
      write: (bytes) => ws.send(bytes, { binary: true }),
      maxStreams: this.opts.maxStreams,
      windowBytes: this.opts.windowBytes,
      onStream: (stream, body) =>
        answerStream(stream, body, {
          allowlist: this.opts.allowlist,
          logger: this.opts.logger,
          counters: this.counters,
          dialTimeoutMs: this.opts.dialTimeoutMs,
        }),
    });
    this.#mux = mux;
    this.#alive = true;
    ws.on('pong', () => {
      this.#alive = true;
      this.rttMs = Date.now() - this.#pingSentAt;
    });
    ws.on('ping', () => (this.#alive = true));
    ws.on('message', (data, isBinary) => {
      this.#alive = true;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (isBinary) {
        try {
          return mux.receive(bytes);
        } catch (err) {
          this.opts.logger.warn('broker framing broken', { url: this.url, error: (err as Error).message });
          return ws.close(CONNECTOR_CLOSE.PROTOCOL_VIOLATION, 'framing');
        }
      }
      const parsed = parseControl(brokerToConnectorSchema, bytes.toString());
      if (!parsed.ok) return ws.close(CONNECTOR_CLOSE.PROTOCOL_VIOLATION, 'schema');
      if (parsed.message.type === 'welcome') {
        this.#attempt = 0;
        this.state = 'ready';
        this.opts.logger.info('linked to broker', { url: this.url, brokerId: parsed.message.brokerId, targets: parsed.message.targets.length });
      }
      this.opts.onControl(parsed.message, this);
    });
    this.#ping = setInterval(() => {
      if (!this.#alive) return ws.terminate();
      this.#alive = false;
      this.#pingSentAt = Date.now();
      ws.ping();
    }, this.opts.pingMs);
    this.#stats = setInterval(() => this.#sendStats(ws, mux), this.opts.statsMs);
  }

  #sendStats(ws: WebSocket, mux: MuxSession): void {
    if (ws.readyState !== ws.OPEN) return;
    const stats: ConnectorToBroker = {
      type: 'stats',
      rttMs: this.rttMs,
      streams: mux.size,
      bytesToTargets: mux.bytes.in,
      bytesFromTargets: mux.bytes.out,
      refused: this.counters.refused,
    };
    ws.send(JSON.stringify(stats));
  }

  #closed(ws: WebSocket, code: number, refusal: string | undefined): void {
    if (this.#ws !== ws) return;
    if (this.#ping) clearInterval(this.#ping);
    if (this.#stats) clearInterval(this.#stats);
    this.#mux?.lost();
    this.#mux = null;
    if (this.#stopped) return;
    if ((refusal && FINAL.has(refusal)) || code === CONNECTOR_CLOSE.REVOKED) {
      this.state = 'refused';
      this.opts.logger.error('the broker refused this connector', { url: this.url, code: refusal ?? 'CONNECTOR_REVOKED', closeCode: code });
      return this.opts.onRefused(refusal ?? 'CONNECTOR_REVOKED');
    }
    const delayMs = backoffDelay(this.#attempt++, this.opts.backoff, this.opts.random);
    this.state = 'waiting';
    this.opts.logger.info('broker link lost; retrying', { url: this.url, closeCode: code, code: refusal, delayMs });
    this.#retry = setTimeout(() => this.#connect(), delayMs);
  }
}
