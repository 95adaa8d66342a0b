import pg from 'pg';
import type { Logger } from './logger.js';

/** PostgreSQL channel shared by every broker process on one database. */
export const CLUSTER_CHANNEL = 'yunzhuo_cluster';
/** NOTIFY payloads are limited to 8000 bytes; anything larger is dropped with a warning */
const MAX_PAYLOAD = 7900;
const RECONNECT_MS = [250, 500, 1000, 2000, 5000];
/** messages kept while the connection is being reopened */
const MAX_BACKLOG = 1000;

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
 * back; a lost connection is reopened with backoff and what was published meanwhile is sent
 * then (the last MAX_BACKLOG messages). What other processes sent while this one was not
 * listening is lost: the console reloads its lists when its feed reconnects, and the
 * reconciler repairs session states.
 */
export class PgClusterBus implements ClusterBus {
  readonly clustered = true;
  readonly #handlers = new Map<string, Array<(payload: unknown) => void>>();
  #client: pg.Client | null = null;
  readonly #queue: string[] = [];
  #flushing: NodeJS.Immediate | null = null;
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

  /** Queued and sent at the end of this turn of the event loop, many messages to one NOTIFY. */
  publish(kind: string, payload: unknown): void {
    const text = JSON.stringify({ kind, payload });
    if (Buffer.byteLength(text) > MAX_PAYLOAD - 100) return void this.logger.warn({ kind, bytes: Buffer.byteLength(text) }, 'cluster message too large, not sent');
    this.#queue.push(text);
    this.#flushing ??= setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushing = null;
    const client = this.#client;
    if (!client) {
      // reconnecting: keep the most recent messages for when the connection is back
      if (this.#queue.length > MAX_BACKLOG) this.#queue.splice(0, this.#queue.length - MAX_BACKLOG);
      return;
    }
    const queued = this.#queue.splice(0);
    // at the 8:30 rush hundreds of events a second become a few NOTIFYs, each under the 8000-byte limit
    for (let i = 0; i < queued.length; ) {
      const batch: string[] = [];
      let bytes = 64;
      while (i < queued.length && (batch.length === 0 || bytes + Buffer.byteLength(queued[i]!) + 1 <= MAX_PAYLOAD)) {
        bytes += Buffer.byteLength(queued[i]!) + 1;
        batch.push(queued[i++]!);
      }
      const text = `{"from":${JSON.stringify(this.instanceId)},"messages":[${batch.join(',')}]}`;
      client.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, text]).catch((err: unknown) => this.logger.warn({ err, messages: batch.length }, 'cluster messages not sent'));
    }
  }

  subscribe(kind: string, handler: (payload: unknown) => void): void {
    this.#handlers.set(kind, [...(this.#handlers.get(kind) ?? []), handler]);
  }

  async close(): Promise<void> {
    if (this.#flushing) {
      clearImmediate(this.#flushing);
      this.#flush(); // what this process decided last still reaches the others
    }
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
    if (this.#queue.length) this.#flushing ??= setImmediate(() => this.#flush());
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
    let notice: { from?: string; messages?: Array<{ kind?: unknown; payload?: unknown }> };
    try {
      notice = JSON.parse(text ?? '') as typeof notice;
    } catch {
      return;
    }
    if (notice.from === this.instanceId || !Array.isArray(notice.messages)) return;
    for (const message of notice.messages) {
      if (typeof message?.kind !== 'string') continue;
      for (const handler of this.#handlers.get(message.kind) ?? []) {
        try {
          handler(message.payload);
        } catch (err) {
          this.logger.warn({ err, kind: message.kind }, 'cluster message handler failed');
        }
      }
    }
  }
}
