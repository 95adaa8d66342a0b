import pg from 'pg';
import { every, systemClock, type Clock, type ClockTimer } from './clock.js';
import type { Logger } from './logger.js';

/** PostgreSQL channel shared by every broker process on one database. */
export const CLUSTER_CHANNEL = 'yunzhuo_cluster';
/** NOTIFY payloads are limited to 8000 bytes; anything larger is dropped with a warning */
const MAX_PAYLOAD = 7900;
export const RECONNECT_MS = [250, 500, 1000, 2000, 5000];
/** messages kept while the connection is being reopened, and for how long */
const MAX_BACKLOG = 1000;
const BACKLOG_MAX_AGE_MS = 10_000;
/** the connection proves it still delivers: a NOTIFY to itself this often, back within PING_TIMEOUT_MS */
export const PING_EVERY_MS = 10_000;
export const PING_TIMEOUT_MS = 5_000;

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
  /**
   * `backlog: false`: drop the message rather than send it late, after a reconnect (a command an
   * admin was already told failed must not run later)
   */
  publish(kind: string, payload: unknown, opts?: { backlog?: boolean }): void;
  subscribe(kind: string, handler: (payload: unknown) => void): void;
  /** after the connection was lost and reopened: messages may have been missed meanwhile */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

/** SQLite: one broker per database file, so there is nobody else to tell. */
export const localOnlyBus: ClusterBus = {
  clustered: false,
  publish: () => undefined,
  subscribe: () => undefined,
  onReconnect: () => undefined,
  close: async () => undefined,
};

interface Queued {
  text: string;
  at: number;
  backlog: boolean;
}

/**
 * LISTEN/NOTIFY on a dedicated connection (TCP keep-alive on, and a NOTIFY to itself every
 * PING_EVERY_MS that must come back, so a connection a firewall silently dropped is noticed).
 * Messages of one event-loop turn share a NOTIFY. Messages from this process are ignored on
 * the way back. A lost connection is reopened with backoff; what was published meanwhile is
 * sent then (the last MAX_BACKLOG, none older than BACKLOG_MAX_AGE_MS). What other processes
 * sent while this one was not listening is lost: `onReconnect` listeners re-check what they hold
 * against the database, the console reloads its lists when its feed reconnects, and the
 * reconciler repairs session states.
 */
export class PgClusterBus implements ClusterBus {
  readonly clustered = true;
  /** messages from other processes delivered to this one's handlers, by kind, since it started (a metric) */
  readonly received = new Map<string, number>();
  readonly #handlers = new Map<string, Array<(payload: unknown) => void>>();
  readonly #reconnectListeners: Array<() => void> = [];
  #client: pg.Client | null = null;
  #queue: Queued[] = [];
  #flushing: NodeJS.Immediate | null = null;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;
  #attempt = 0;
  #retryTimer: ClockTimer | undefined;
  #stopPings: () => void = () => undefined;
  #pingDeadline: ClockTimer | undefined;
  #pingSeq = 0;
  /** the connection a missed ping dropped, until its end arrives: it is not pinged (nor ended) again */
  #dropped: pg.Client | null = null;
  /** the last query sent on the connection: the next waits for it (pg 8 warns of overlapping queries, pg 9 refuses them) */
  #lastQuery: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly url: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  static async open(url: string, instanceId: string, logger: Logger, clock: Clock = systemClock): Promise<PgClusterBus> {
    const bus = new PgClusterBus(url, instanceId, logger, clock);
    await bus.#connect();
    bus.#stopPings = every(clock, PING_EVERY_MS, () => bus.#ping());
    return bus;
  }

  publish(kind: string, payload: unknown, opts: { backlog?: boolean } = {}): void {
    const text = JSON.stringify({ kind, payload });
    if (Buffer.byteLength(text) > MAX_PAYLOAD - 100)
      return void this.logger.warn({ kind, bytes: Buffer.byteLength(text) }, 'cluster message too large, not sent');
    this.#queue.push({ text, at: this.clock.now(), backlog: opts.backlog !== false });
    this.#flushing ??= setImmediate(() => this.#flush());
  }

  subscribe(kind: string, handler: (payload: unknown) => void): void {
    this.#handlers.set(kind, [...(this.#handlers.get(kind) ?? []), handler]);
  }

  onReconnect(listener: () => void): void {
    this.#reconnectListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#flushing) {
      clearImmediate(this.#flushing);
      this.#flush(); // what this process decided last still reaches the others
    }
    this.#closed = true;
    this.#stopPings();
    if (this.#retryTimer) this.clock.clearTimeout(this.#retryTimer);
    this.#clearPingDeadline();
    await Promise.allSettled([...this.#inFlight]);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  #flush(): void {
    this.#flushing = null;
    const client = this.#client;
    const now = this.clock.now();
    if (!client) {
      // reconnecting: keep recent messages that may still be sent late
      this.#queue = this.#queue.filter((q) => q.backlog && now - q.at <= BACKLOG_MAX_AGE_MS).slice(-MAX_BACKLOG);
      return;
    }
    const queued = this.#queue.filter((q) => now - q.at <= BACKLOG_MAX_AGE_MS);
    this.#queue = [];
    // at the 8:30 rush hundreds of events a second become a few NOTIFYs, each under the 8000-byte limit
    for (let i = 0; i < queued.length;) {
      const batch: Queued[] = [];
      let bytes = 64;
      while (i < queued.length && (batch.length === 0 || bytes + Buffer.byteLength(queued[i]!.text) + 1 <= MAX_PAYLOAD)) {
        bytes += Buffer.byteLength(queued[i]!.text) + 1;
        batch.push(queued[i++]!);
      }
      this.#notify(
        client,
        batch.map((q) => q.text),
      ).catch((err: unknown) => {
        this.logger.warn({ err, messages: batch.length }, 'cluster messages not sent; kept for the next connection');
        this.#queue.unshift(...batch.filter((q) => q.backlog)); // a command is never sent late
      });
    }
  }

  #notify(client: pg.Client, texts: string[]): Promise<unknown> {
    const text = `{"from":${JSON.stringify(this.instanceId)},"messages":[${texts.join(',')}]}`;
    const query = () => client.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, text]);
    const sent = this.#lastQuery.then(query, query);
    this.#lastQuery = sent.catch(() => undefined);
    this.#inFlight.add(sent);
    void sent.finally(() => this.#inFlight.delete(sent)).catch(() => undefined);
    return sent;
  }

  /** A NOTIFY to itself; if it does not come back in time the connection is dropped and reopened. */
  #ping(): void {
    const client = this.#client;
    if (!client || this.#pingDeadline || this.#dropped === client) return;
    const seq = ++this.#pingSeq;
    this.#pingDeadline = this.clock.setTimeout(() => {
      this.#pingDeadline = undefined;
      if (this.#client !== client) return;
      this.logger.warn({ seq }, 'cluster bus did not hear itself; reconnecting');
      this.#dropped = client;
      void client.end().catch(() => undefined);
    }, PING_TIMEOUT_MS);
    this.#pingDeadline.unref?.();
    this.#notify(client, [JSON.stringify({ kind: 'bus.ping', payload: seq })]).catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: `yunzhuo-bus-${this.instanceId}`, keepAlive: true });
    client.on('error', (err) => this.logger.warn({ err }, 'cluster bus connection error'));
    client.on('end', () => {
      if (this.#dropped === client) this.#dropped = null;
      if (this.#client !== client) return; // a connection that never finished opening is retried by #retry
      this.#client = null;
      this.#clearPingDeadline();
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
    if (this.#closed) return void (await client.end().catch(() => undefined));
    const reconnected = this.#attempt > 0;
    this.#client = client;
    this.#attempt = 0;
    if (this.#queue.length) this.#flushing ??= setImmediate(() => this.#flush());
    if (reconnected) {
      for (const listener of this.#reconnectListeners) listener();
    }
  }

  #clearPingDeadline(): void {
    if (this.#pingDeadline) this.clock.clearTimeout(this.#pingDeadline);
    this.#pingDeadline = undefined;
  }

  #retry(): void {
    const delay = RECONNECT_MS[Math.min(this.#attempt++, RECONNECT_MS.length - 1)]!;
    this.#retryTimer = this.clock.setTimeout(() => {
      if (this.#closed) return;
      this.#connect().catch((err: unknown) => {
        this.logger.warn({ err }, 'cluster bus reconnect failed');
        this.#retry();
      });
    }, delay);
    this.#retryTimer.unref?.();
  }

  #deliver(text: string | undefined): void {
    let notice: { from?: string; messages?: Array<{ kind?: unknown; payload?: unknown }> };
    try {
      notice = JSON.parse(text ?? '') as typeof notice;
    } catch {
      return;
    }
    if (!Array.isArray(notice.messages)) return;
    if (notice.from === this.instanceId) {
      // our own messages come back too: only the ping is of interest
      if (notice.messages.some((m) => m?.kind === 'bus.ping' && m.payload === this.#pingSeq)) this.#clearPingDeadline();
      return;
    }
    for (const message of notice.messages) {
      if (typeof message?.kind !== 'string') continue;
      for (const handler of this.#handlers.get(message.kind) ?? []) {
        try {
          handler(message.payload);
        } catch (err) {
          this.logger.warn({ err, kind: message.kind }, 'cluster message handler failed');
        }
      }
      this.received.set(message.kind, (this.received.get(message.kind) ?? 0) + 1);
    }
  }
}
