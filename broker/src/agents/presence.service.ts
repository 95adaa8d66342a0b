import { QueryTypes, type Sequelize } from 'sequelize';
import type { AgentInfo, AgentLifecycle } from '@yunzhuo/protocol/agent/index';
import type { Clock, ClockTimer } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { Terminal } from '../terminals/terminal.model.js';
import type { AgentTerminalRow } from './agent-credential.js';

export interface PresenceTimings {
  /** how often buffered lastSeenAt / online / info changes are written, in one statement per kind (ms) */
  flushMs: number;
  /** how often terminals are checked for missed heartbeats (ms) */
  sweepMs: number;
  /** info that only changes in its fast-moving fields (uptime, load, free memory) is rewritten this often (ms) */
  infoRefreshMs: number;
  /** heartbeat interval assumed for terminals found online at start-up that never reported theirs (ms) */
  defaultIntervalMs: number;
}

export const DEFAULT_PRESENCE_TIMINGS: PresenceTimings = { flushMs: 1000, sweepMs: 1000, infoRefreshMs: 300_000, defaultIntervalMs: 10_000 };
/** an online/offline transition is written this soon (ms) rather than at the next regular flush; transitions are rare, beats are not */
const TRANSITION_FLUSH_MS = 50;
/** offline after this many intervals without a heartbeat: three missed beats plus half a beat of jitter */
export const MISSED_BEATS = 3.5;
const CHUNK = 500;
/** info rows written per flush at most, so 5,000 first heartbeats spread over a few flushes instead of one long transaction */
const INFO_WRITES_PER_FLUSH = 250;

/** What the broker knows, in memory, about one terminal it believes online. */
export interface Presence {
  terminalId: string;
  siteId: string;
  windowId: string | null;
  state: string;
  /** whether the database (and the console) was last told online */
  online: boolean;
  connected: boolean;
  draining: boolean;
  lastBeatAt: number;
  intervalMs: number;
  connectedAt: number | null;
  lifecycle: AgentLifecycle | null;
  protocolVersion: string | null;
  address: string | null;
  info: AgentInfo | null;
  infoSignature: string | null;
  infoWrittenAt: number;
  /** the last `last_seen_at` this process wrote (or found, at start-up): a later one was written by another broker */
  seenWrittenAt: number | null;
}

/** the ids of `ids` whose row is missing or not active */
async function notActive(ids: string[]): Promise<string[]> {
  const active = (await Terminal.findAll({ where: { id: ids, state: 'active' }, attributes: ['id'], raw: true })) as Array<{ id: string }>;
  const found = new Set(active.map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}

type StoredInfo = AgentInfo & { heartbeatMs?: number };

/** The heartbeat interval an agent last reported (kept in the stored info), or `fallbackMs`. */
export function storedHeartbeatMs(info: unknown, fallbackMs: number): number {
  const heartbeatMs = storedInfo(info)?.heartbeatMs;
  return typeof heartbeatMs === 'number' ? heartbeatMs : fallbackMs;
}

/** The stored info column, whichever way the driver hands it over (text on SQLite raw rows). */
export function storedInfo(value: unknown): Partial<StoredInfo> | null {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as Partial<StoredInfo>;
    } catch {
      return null;
    }
  }
  return value && typeof value === 'object' ? (value as Partial<StoredInfo>) : null;
}

/** Fields whose change is worth a write at once; the rest refresh every `infoRefreshMs`. */
function signatureOf(info: AgentInfo, intervalMs: number, address: string | null): string {
  return JSON.stringify([
    info.agentVersion,
    info.hostname,
    info.os,
    info.addresses,
    info.screen,
    info.kiosk,
    info.hardwareId,
    info.devices ?? null,
    info.nics ?? null,
    intervalMs,
    address,
  ]);
}

/**
 * Online/offline bookkeeping for the fleet, built for thousands of terminals: heartbeats only
 * touch memory; a Clock-driven flush writes what changed in a few statements (one
 * `UPDATE … WHERE id IN (…)` for every terminal seen since the last flush), and a sweep declares
 * offline whoever missed three beats. No audit row per heartbeat; live events only on transitions.
 */
export class PresenceService {
  readonly #entries = new Map<string, Presence>();
  readonly #seen = new Set<string>();
  readonly #offline = new Set<string>();
  /** of #offline: those that went quiet here (rather than being revoked or drained) */
  readonly #expired = new Set<string>();
  /** terminals whose info should be written (insertion order = oldest first) */
  readonly #infoDue = new Set<string>();
  readonly #timings: PresenceTimings;
  #flushTimer: ClockTimer | null = null;
  #soonTimer: ClockTimer | null = null;
  #sweepTimer: ClockTimer | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #unsubscribe: () => void;
  #aliveElsewhere = 0;
  /** the socket layer closes a connection whose heartbeats stopped */
  onExpired: (terminalId: string) => void = () => undefined;
  /**
   * A terminal beating here whose row is no longer active: revoked or deleted by another broker
   * process whose word (a cluster bus message) did not arrive, or arrived while its socket was
   * being attached. The socket layer re-reads the row and closes the connection.
   */
  onGone: (terminalId: string) => void = () => undefined;

  constructor(private readonly deps: { sequelize: Sequelize; clock: Clock; events: LiveEvents; logger: Logger; timings?: Partial<PresenceTimings> }) {
    this.#timings = { ...DEFAULT_PRESENCE_TIMINGS, ...deps.timings };
    // someone declared offline a terminal whose socket is here (another broker that gave up too
    // early, or the reconciler): the next flush writes it online again and says so. This
    // process's own offline announcements are for entries already marked offline: no loop.
    this.#unsubscribe = deps.events.subscribe((event) => {
      if (event.type !== 'terminal.changed') return;
      const { id, online } = event.data;
      const entry = this.#entries.get(id);
      if (online || !entry?.connected || !entry.online) return;
      entry.online = false;
      this.#markSeen(id);
      this.#flushSoon();
    });
  }

  /** Terminals a previous broker left online are tracked without a socket until they reconnect or expire. */
  async start(): Promise<void> {
    // raw and narrow: after a restart this is the whole fleet, and only the heartbeat interval of `info` is needed
    const rows = (await Terminal.findAll({
      where: { online: true },
      attributes: ['id', 'siteId', 'windowId', 'state', 'lastSeenAt', 'info'],
      raw: true,
    })) as unknown as Array<Pick<Terminal, 'id' | 'siteId' | 'windowId' | 'state' | 'lastSeenAt'> & { info: unknown }>;
    const now = this.deps.clock.now();
    for (const row of rows) {
      const seenAt = row.lastSeenAt ? new Date(row.lastSeenAt).getTime() : null;
      const entry = this.#blank(row, now);
      entry.online = true;
      entry.connected = false;
      entry.lastBeatAt = seenAt ?? now;
      entry.seenWrittenAt = seenAt;
      entry.intervalMs = storedHeartbeatMs(row.info, this.#timings.defaultIntervalMs);
      this.#entries.set(row.id, entry);
    }
    this.#scheduleFlush();
    this.#scheduleSweep();
  }

  get(terminalId: string): Presence | undefined {
    return this.#entries.get(terminalId);
  }

  connected(terminal: AgentTerminalRow, meta: { protocolVersion: string; address: string | null }): Presence {
    const now = this.deps.clock.now();
    const entry = this.#entries.get(terminal.id) ?? this.#blank(terminal, now);
    if (!this.#entries.has(terminal.id)) entry.online = terminal.online;
    Object.assign(entry, {
      siteId: terminal.siteId,
      windowId: terminal.windowId,
      state: terminal.state,
      connected: true,
      draining: false,
      lastBeatAt: now,
      connectedAt: now,
      protocolVersion: meta.protocolVersion,
      address: meta.address,
    });
    // what is stored already needs no rewrite: a broker restart must not rewrite the whole fleet's info
    const stored = storedInfo(terminal.info);
    if (entry.infoSignature === null && stored?.agentVersion && typeof stored.heartbeatMs === 'number') {
      entry.infoSignature = signatureOf(stored as AgentInfo, stored.heartbeatMs, terminal.address);
      entry.infoWrittenAt = now;
    }
    this.#entries.set(terminal.id, entry);
    this.#markSeen(terminal.id);
    if (!entry.online) this.#flushSoon();
    return entry;
  }

  heartbeat(terminalId: string, beat: { intervalMs: number; lifecycle: AgentLifecycle; info: AgentInfo }): void {
    const entry = this.#entries.get(terminalId);
    if (!entry) return;
    const now = this.deps.clock.now();
    entry.lastBeatAt = now;
    entry.intervalMs = beat.intervalMs;
    entry.lifecycle = beat.lifecycle;
    const signature = signatureOf(beat.info, beat.intervalMs, entry.address);
    if (entry.info && signature === entry.infoSignature) {
      // only the fast-moving numbers changed: copy them into the object already held, so the new
      // message dies young instead of being promoted and collected later (5,000 terminals × every 10 s)
      const held = entry.info;
      held.uptimeSeconds = beat.info.uptimeSeconds;
      held.load[0] = beat.info.load[0];
      held.load[1] = beat.info.load[1];
      held.load[2] = beat.info.load[2];
      held.memory.totalBytes = beat.info.memory.totalBytes;
      held.memory.freeBytes = beat.info.memory.freeBytes;
    } else {
      entry.info = beat.info;
    }
    if (signature !== entry.infoSignature || now - entry.infoWrittenAt >= this.#timings.infoRefreshMs) {
      entry.infoSignature = signature;
      entry.infoWrittenAt = now;
      this.#infoDue.add(terminalId);
    }
    this.#markSeen(terminalId);
  }

  lifecycle(terminalId: string, state: AgentLifecycle): void {
    const entry = this.#entries.get(terminalId);
    if (!entry) return;
    entry.lifecycle = state;
    if (state === 'draining' || state === 'stopped') entry.draining = true;
  }

  /** The socket closed. A draining agent is offline now; any other waits out its missed beats. */
  disconnected(terminalId: string): void {
    const entry = this.#entries.get(terminalId);
    if (!entry) return;
    entry.connected = false;
    if (entry.draining) this.markOffline(terminalId);
  }

  /** Offline at once (revoked, deleted, drained); written at the next flush. */
  markOffline(terminalId: string): void {
    const entry = this.#entries.get(terminalId);
    if (!entry) return;
    entry.connected = false;
    this.#seen.delete(terminalId);
    this.#expired.delete(terminalId); // told, not guessed: offline whatever other brokers wrote
    this.#offline.add(terminalId);
    this.#flushSoon();
  }

  /** since start: terminals gone quiet here that another broker process kept beating, so forgotten here (not marked offline) */
  get aliveElsewhere(): number {
    return this.#aliveElsewhere;
  }

  update(terminalId: string, fields: Partial<Pick<Presence, 'windowId' | 'state'>>): void {
    const entry = this.#entries.get(terminalId);
    if (entry) Object.assign(entry, fields);
  }

  sweep(): void {
    const now = this.deps.clock.now();
    for (const entry of this.#entries.values()) {
      if (this.#offline.has(entry.terminalId)) continue;
      // a terminal whose socket is not here has its beats written by another process, once per flush
      const slack = entry.connected ? 0 : 2 * this.#timings.flushMs;
      if (now - entry.lastBeatAt <= entry.intervalMs * MISSED_BEATS + slack) continue;
      if (entry.connected) this.onExpired(entry.terminalId);
      this.markOffline(entry.terminalId);
      // not from here: its socket may be held by another broker process that writes its beats
      this.#expired.add(entry.terminalId);
    }
  }

  /** Writes everything buffered; concurrent callers share one flush at a time. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce()).catch((err: unknown) => this.deps.logger.error({ err }, 'presence flush failed'));
    return this.#flushing;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    if (this.#flushTimer) this.deps.clock.clearTimeout(this.#flushTimer);
    if (this.#sweepTimer) this.deps.clock.clearTimeout(this.#sweepTimer);
    if (this.#soonTimer) this.deps.clock.clearTimeout(this.#soonTimer);
    await this.flush();
  }

  async #flushOnce(): Promise<void> {
    if (this.#seen.size === 0 && this.#offline.size === 0 && this.#infoDue.size === 0) return;
    const now = this.deps.clock.now();
    const seen = [...this.#seen];
    const offline = [...this.#offline];
    this.#seen.clear();
    this.#offline.clear();
    const cameOnline: Presence[] = [];
    /** of `seen`: rows no longer active (revoked or deleted where this process was not told) */
    const gone = new Set<string>();
    let wentOffline: Presence[] = [];
    const infos: Presence[] = [];
    for (const id of this.#infoDue) {
      if (infos.length >= INFO_WRITES_PER_FLUSH) break;
      this.#infoDue.delete(id);
      const entry = this.#entries.get(id);
      if (entry?.info) infos.push(entry);
    }
    for (const id of seen) {
      const entry = this.#entries.get(id);
      if (entry && !entry.online) cameOnline.push(entry);
    }
    for (const id of offline) {
      const entry = this.#entries.get(id);
      if (!entry) continue;
      if (entry.connected) continue; // reconnected before the flush: still online
      this.#entries.delete(id);
      if (entry.online) wentOffline.push(entry);
    }
    try {
      // single statements, no transaction: on SQLite every write then queues on the one shared connection
      // instead of a transaction's own connection contending for the lock
      for (let i = 0; i < seen.length; i += CHUNK) {
        const chunk = seen.slice(i, i + CHUNK);
        // only active rows: a terminal revoked or deleted is never written back online
        const [written] = await Terminal.update({ lastSeenAt: new Date(now), online: true }, { where: { id: chunk, state: 'active' }, silent: true });
        if (written < chunk.length) for (const id of await notActive(chunk)) gone.add(id);
      }
      for (const id of seen) {
        const entry = this.#entries.get(id);
        if (entry && !gone.has(id)) entry.seenWrittenAt = now;
      }
      const forced = wentOffline.filter((e) => !this.#expired.has(e.terminalId)).map((e) => e.terminalId);
      for (let i = 0; i < forced.length; i += CHUNK) {
        await Terminal.update({ online: false }, { where: { id: forced.slice(i, i + CHUNK) }, silent: true });
      }
      const aliveElsewhere = await this.#expireQuiet(wentOffline.filter((e) => this.#expired.has(e.terminalId)));
      if (aliveElsewhere.size) wentOffline = wentOffline.filter((e) => !aliveElsewhere.has(e.terminalId));
      this.#aliveElsewhere += aliveElsewhere.size;
      for (const entry of infos) await this.#writeInfo(entry);
    } catch (err) {
      // keep the changes for the next flush rather than lose them
      for (const id of seen) if (!this.#offline.has(id)) this.#seen.add(id);
      for (const entry of infos) this.#infoDue.add(entry.terminalId);
      for (const entry of wentOffline) {
        this.#entries.set(entry.terminalId, entry);
        this.#offline.add(entry.terminalId);
      }
      throw err;
    }
    for (const entry of offline) this.#expired.delete(entry);
    for (const id of gone) this.onGone(id);
    for (const entry of cameOnline) {
      if (gone.has(entry.terminalId)) continue;
      entry.online = true;
      this.#publish(entry);
    }
    for (const entry of wentOffline) {
      entry.online = false;
      this.#publish(entry);
    }
  }

  /**
   * Offline only where nobody else has written a beat since this process last did: with several
   * brokers, an agent that reconnected to another process has its `last_seen_at` kept fresh
   * there. Returns the terminals not written (forgotten here without a word: someone else's now,
   * or already stored offline, e.g. by the reconciler).
   */
  async #expireQuiet(entries: Presence[]): Promise<Set<string>> {
    const alive = new Set<string>();
    const byMine = new Map<number | null, string[]>();
    for (const e of entries) byMine.set(e.seenWrittenAt, [...(byMine.get(e.seenWrittenAt) ?? []), e.terminalId]);
    for (const [mine, ids] of byMine) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const rows = await this.deps.sequelize.query<{ id: string }>(
          `UPDATE terminals SET online = :no WHERE id IN (:ids) AND online = :yes AND (last_seen_at IS NULL OR ${mine === null ? '1 = 1' : 'last_seen_at <= :mine'}) RETURNING id`,
          { replacements: { no: false, yes: true, ids: chunk, mine: mine === null ? null : new Date(mine) }, type: QueryTypes.SELECT },
        );
        const written = new Set(rows.map((r) => r.id));
        for (const id of chunk) if (!written.has(id)) alive.add(id);
      }
    }
    return alive;
  }

  async #writeInfo(entry: Presence): Promise<void> {
    const info = entry.info!;
    const stored: StoredInfo = { ...info, heartbeatMs: entry.intervalMs };
    await Terminal.update({ info: stored, agentVersion: info.agentVersion, address: entry.address }, { where: { id: entry.terminalId }, silent: true });
  }

  #publish(entry: Presence): void {
    this.deps.events.publish('terminal.changed', {
      id: entry.terminalId,
      state: entry.state,
      siteId: entry.siteId,
      windowId: entry.windowId,
      online: entry.online,
    });
  }

  #markSeen(terminalId: string): void {
    this.#offline.delete(terminalId);
    this.#expired.delete(terminalId);
    this.#seen.add(terminalId);
  }

  #blank(row: { id: string; siteId: string; windowId: string | null; state: string }, now: number): Presence {
    return {
      terminalId: row.id,
      siteId: row.siteId,
      windowId: row.windowId,
      state: row.state,
      online: false,
      connected: false,
      draining: false,
      lastBeatAt: now,
      intervalMs: this.#timings.defaultIntervalMs,
      connectedAt: null,
      lifecycle: null,
      protocolVersion: null,
      address: null,
      info: null,
      infoSignature: null,
      infoWrittenAt: 0,
      seenWrittenAt: null,
    };
  }

  #flushSoon(): void {
    if (this.#soonTimer || this.#closed) return;
    this.#soonTimer = this.deps.clock.setTimeout(() => {
      this.#soonTimer = null;
      void this.flush();
    }, TRANSITION_FLUSH_MS);
    this.#soonTimer.unref?.();
  }

  #scheduleFlush(): void {
    if (this.#closed) return;
    this.#flushTimer = this.deps.clock.setTimeout(() => void this.flush().finally(() => this.#scheduleFlush()), this.#timings.flushMs);
    this.#flushTimer.unref?.();
  }

  #scheduleSweep(): void {
    if (this.#closed) return;
    this.#sweepTimer = this.deps.clock.setTimeout(() => {
      this.sweep();
      this.#scheduleSweep();
    }, this.#timings.sweepMs);
    this.#sweepTimer.unref?.();
  }
}
