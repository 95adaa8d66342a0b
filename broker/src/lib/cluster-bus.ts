import pg from 'pg';
import type { Logger } from './logger.js';

/** PostgreSQL channel shared by every broker process on one database. */
export const CLUSTER_CHANNEL = 'yunzhuo_cluster';
/** NOTIFY payloads are limited to 8000 bytes; anything larger is dropped with a warning */
const MAX_PAYLOAD = 7900;
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];

export interface ClusterMessage {
  kind: string;
  payload: unknown;
}

/**
 * What one broker process tells the others sharing its database: close that session's tunnel
 * (a takeover or an admin's logoff handled by another process), and every live event (a
 * console attached to process A sees a login brokered by process B).
 */
export interface ClusterBus {
  /** whether other processes may be listening at all */
  readonly clustered: boolean;
  publish(kind: string, payload: unknown): void;
  subscribe(kind: string, handler: (payload: unknown) => void): void;
  close(): Promise<void>;
}

/** SQLite: one broker per database file, so there is nobody else to tell. */
export const localOnlyBus: ClusterBus = { clustered: false, publish: () => undefined, subscribe: () => undefined, close: async () => undefined };

/**
 * LISTEN/NOTIFY on a dedicated connection. Messages from this process are ignored on the way
 * back; a lost connection is reopened with backoff (messages sent meanwhile are lost, which
 * the reconciler covers: a tunnel left open past its session's end is closed at its next
 * engine call, and the console reloads its lists on reconnect).
 */
export class PgClusterBus implements ClusterBus {
  readonly clustered = true;
  readonly #handlers = new Map<string, Array<(payload: unknown) => void>>();
  #client: pg.Client | null = null;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly url: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {}

  static async open(url: string, instanceId: string, logger: Logger): Promise<PgClusterBus> {
    const bus = new PgClusterBus(url, instanceId, logger);
    await bus.#connect();
    return bus;
  }

  publish(kind: string, payload: unknown): void {
    const text = JSON.stringify({ from: this.instanceId, kind, payload });
    if (Buffer.byteLength(text) > MAX_PAYLOAD) return void this.logger.warn({ kind, bytes: Buffer.byteLength(text) }, 'cluster message too large, not sent');
    const client = this.#client;
    if (!client) return;
    client.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, text]).catch((err: unknown) => this.logger.warn({ err, kind }, 'cluster message not sent'));
  }

  subscribe(kind: string, handler: (payload: unknown) => void): void {
    this.#handlers.set(kind, [...(this.#handlers.get(kind) ?? []), handler]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: `yunzhuo-bus-${this.instanceId}` });
    client.on('error', (err) => this.logger.warn({ err }, 'cluster bus connection error'));
    client.on('end', () => {
      if (this.#client !== client) return; // a connection that never finished opening is retried by #retry
      this.#client = null;
      if (!this.#closed) this.#retry();
    });
    client.on('notification', (n) => this.#deliver(n.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.#client = client;
    this.#attempt = 0;
  }

  #retry(): void {
    const delay = RECONNECT_MS[Math.min(this.#attempt++, RECONNECT_MS.length - 1)]!;
    this.#timer = setTimeout(() => {
      if (this.#closed) return;
      this.#connect().catch((err: unknown) => {
        this.logger.warn({ err }, 'cluster bus reconnect failed');
        this.#retry();
      });
    }, delay);
    this.#timer.unref();
  }

  #deliver(text: string | undefined): void {
    let message: { from?: string; kind?: string; payload?: unknown };
    try {
      message = JSON.parse(text ?? '') as typeof message;
    } catch {
      return;
    }
    if (message.from === this.instanceId || typeof message.kind !== 'string') return;
    for (const handler of this.#handlers.get(message.kind) ?? []) {
      try {
        handler(message.payload);
      } catch (err) {
        this.logger.warn({ err, kind: message.kind }, 'cluster message handler failed');
      }
    }
  }
}
