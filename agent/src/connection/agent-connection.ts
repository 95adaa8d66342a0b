import WebSocket from 'ws';
import {
  AGENT_CLOSE,
  AGENT_MAX_MESSAGE_BYTES,
  AGENT_PROTOCOL_HEADER,
  AGENT_PROTOCOL_VERSION,
  AGENT_SOCKET_PATH,
  brokerToAgentSchema,
  isFinalClose,
  parseFrame,
  unknownCommandEnvelope,
  type AgentInfo,
  type AgentToBroker,
  type BrokerToAgent,
  type CommandMessage,
  type CommandResultMessage,
  type WelcomeMessage,
} from '@yunzhuo/protocol/agent/index';
import { silentLogger, type Logger } from '../log.js';
import { backoffDelay, jittered, type BackoffPolicy } from './backoff.js';
import { errorCodeOf } from './broker-refusal.js';

export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'awaiting-approval' | 'revoked' | 'draining' | 'stopped';

export interface CommandReply {
  outcome: CommandResultMessage['outcome'];
  /** runs after the answer is on the wire (a reboot must not race its own acknowledgement) */
  after?: () => Promise<void> | void;
}

export interface AgentConnectionOptions {
  brokerUrl: string;
  /** `<terminal id>.<secret>` */
  credential: string;
  heartbeatMs: number;
  /** fraction, 0.1 = ±10 % */
  heartbeatJitter: number;
  backoff: BackoffPolicy;
  info(): AgentInfo | Promise<AgentInfo>;
  onCommand(message: CommandMessage): Promise<CommandReply>;
  onWelcome?(welcome: WelcomeMessage): void;
  onState?(state: ConnectionState, detail: { code?: string; closeCode?: number; delayMs?: number }): void;
  logger?: Logger;
  random?: () => number;
  /** how long a drain waits for commands still running (ms) */
  drainTimeoutMs?: number;
}

/** broker refusals (HTTP, before the upgrade) after which retrying cannot help */
const FINAL_REFUSALS = new Set(['TERMINAL_REVOKED', 'TERMINAL_UNKNOWN']);
/** no frame from the broker for this many heartbeat intervals (plus slack) means the link is dead */
const SILENT_INTERVALS = 3;
const SILENCE_SLACK_MS = 5000;

export function agentSocketUrl(brokerUrl: string): string {
  const url = new URL(AGENT_SOCKET_PATH, brokerUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * The agent's one WebSocket to the broker: versioned upgrade with the terminal credential,
 * validated frames both ways, jittered heartbeats, liveness, a reconnect loop with capped
 * jittered backoff, and a drain. The real agent and the fleet benchmark both run this class.
 */
export class AgentConnection {
  state: ConnectionState = 'connecting';
  readonly stats = { connects: 0, heartbeatsSent: 0, heartbeatsAcked: 0, heartbeatsLost: 0, commands: 0, lastReadyAt: 0 };
  readonly done: Promise<ConnectionState>;
  #resolveDone!: (state: ConnectionState) => void;
  #ws: WebSocket | null = null;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #beatTimer: NodeJS.Timeout | null = null;
  #seq = 0;
  readonly #unacked = new Set<number>();
  #lastHeardAt = 0;
  readonly #inflight = new Set<Promise<void>>();
  #stopping = false;
  readonly #log: Logger;
  readonly #random: () => number;

  constructor(private readonly opts: AgentConnectionOptions) {
    this.#log = opts.logger ?? silentLogger;
    this.#random = opts.random ?? Math.random;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  start(): void {
    this.#connect();
  }

  /** A new interval takes effect from the next beat. */
  setHeartbeatMs(ms: number): void {
    this.opts.heartbeatMs = ms;
    if (this.#beatTimer) {
      clearTimeout(this.#beatTimer);
      this.#scheduleBeat();
    }
  }

  /** SIGTERM: stop beating, tell the broker, let running commands finish (bounded), close. */
  async stop(): Promise<void> {
    if (this.#stopping) return void (await this.done);
    this.#stopping = true;
    this.#setState('draining', {});
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#beatTimer) clearTimeout(this.#beatTimer);
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      this.#send({ type: 'lifecycle', state: 'draining' });
      await withTimeout(Promise.allSettled([...this.#inflight]), this.opts.drainTimeoutMs ?? 5000);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(AGENT_CLOSE.GOING_AWAY, 'agent stopping');
      await withTimeout(closed, 2000);
    }
    ws?.terminate();
    this.#finish('stopped');
  }

  #connect(): void {
    if (this.#stopping) return;
    const ws = new WebSocket(agentSocketUrl(this.opts.brokerUrl), {
      headers: { authorization: `Terminal ${this.opts.credential}`, [AGENT_PROTOCOL_HEADER]: AGENT_PROTOCOL_VERSION },
      perMessageDeflate: false,
      maxPayload: AGENT_MAX_MESSAGE_BYTES,
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
    ws.on('error', (err) => this.#log.debug('agent socket error', { error: err.message }));
    ws.on('message', (data, isBinary) => {
      this.#lastHeardAt = Date.now();
      if (!isBinary) this.#onFrame(ws, data.toString());
    });
    ws.on('close', (code) => this.#onClose(ws, code, refusal));
  }

  #onFrame(ws: WebSocket, raw: string): void {
    const parsed = parseFrame(brokerToAgentSchema, raw);
    if (!parsed.ok) {
      const envelope = safeJson(raw);
      const unknown = unknownCommandEnvelope.safeParse(envelope);
      if (unknown.success) {
        this.#send({
          type: 'command-result',
          commandId: unknown.data.commandId,
          outcome: { ok: false, error: { code: 'UNSUPPORTED_COMMAND', message: `unknown command ${unknown.data.command.type}` } },
        });
        return;
      }
      this.#log.warn('broker message failed the schema', { reason: parsed.reason });
      ws.close(AGENT_CLOSE.PROTOCOL_VIOLATION, 'schema');
      return;
    }
    this.#handle(parsed.message);
  }

  #handle(message: BrokerToAgent): void {
    switch (message.type) {
      case 'welcome':
        this.#attempt = 0;
        this.stats.connects++;
        this.stats.lastReadyAt = Date.now();
        this.#setState('ready', {});
        this.opts.onWelcome?.(message);
        void this.#beat();
        return;
      case 'heartbeat-ack':
        if (this.#unacked.delete(message.seq)) this.stats.heartbeatsAcked++;
        return;
      case 'command':
        this.#runCommand(message);
        return;
    }
  }

  #runCommand(message: CommandMessage): void {
    this.stats.commands++;
    if (this.#stopping) {
      this.#send({
        type: 'command-result',
        commandId: message.commandId,
        outcome: { ok: false, error: { code: 'DRAINING', message: 'the agent is stopping' } },
      });
      return;
    }
    const run = (async () => {
      let reply: CommandReply;
      try {
        reply = await this.opts.onCommand(message);
      } catch (err) {
        reply = { outcome: { ok: false, error: { code: 'OS_ACTION_FAILED', message: String((err as Error).message ?? err).slice(0, 500) } } };
      }
      this.#send({ type: 'command-result', commandId: message.commandId, outcome: reply.outcome });
      if (reply.after) await reply.after();
    })().catch((err: unknown) => this.#log.error('command follow-up failed', { type: message.command.type, error: String(err) }));
    this.#inflight.add(run);
    void run.finally(() => this.#inflight.delete(run));
  }

  async #beat(): Promise<void> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.#stopping) return;
    if (Date.now() - this.#lastHeardAt > this.opts.heartbeatMs * SILENT_INTERVALS + SILENCE_SLACK_MS) {
      this.#log.warn('broker silent; reconnecting');
      ws.terminate();
      return;
    }
    const info = await this.opts.info();
    if (ws !== this.#ws || ws.readyState !== WebSocket.OPEN || this.#stopping) return;
    const seq = this.#seq++;
    this.#unacked.add(seq);
    this.stats.heartbeatsSent++;
    this.#send({ type: 'heartbeat', seq, intervalMs: this.opts.heartbeatMs, lifecycle: 'ready', info });
    this.#scheduleBeat();
  }

  #scheduleBeat(): void {
    this.#beatTimer = setTimeout(() => void this.#beat(), jittered(this.opts.heartbeatMs, this.opts.heartbeatJitter, this.#random));
  }

  #onClose(ws: WebSocket, closeCode: number, refusal: string | undefined): void {
    if (ws !== this.#ws) return;
    if (this.#beatTimer) clearTimeout(this.#beatTimer);
    this.#beatTimer = null;
    this.stats.heartbeatsLost += this.#unacked.size;
    this.#unacked.clear();
    if (this.#stopping) return;
    if ((refusal && FINAL_REFUSALS.has(refusal)) || isFinalClose(closeCode)) {
      this.#log.error('the broker refused this terminal for good', { code: refusal, closeCode });
      this.#setState('revoked', { ...(refusal ? { code: refusal } : {}), closeCode });
      this.#finish('revoked');
      return;
    }
    const delayMs = backoffDelay(this.#attempt++, this.opts.backoff, this.#random);
    const state: ConnectionState = refusal === 'TERMINAL_PENDING' ? 'awaiting-approval' : 'reconnecting';
    this.#setState(state, { ...(refusal ? { code: refusal } : {}), closeCode, delayMs });
    this.#retryTimer = setTimeout(() => this.#connect(), delayMs);
  }

  #send(message: AgentToBroker): void {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  #setState(state: ConnectionState, detail: { code?: string; closeCode?: number; delayMs?: number }): void {
    this.state = state;
    this.opts.onState?.(state, detail);
  }

  #finish(state: ConnectionState): void {
    this.#stopping = true;
    this.#setState(state, {});
    this.#resolveDone(state);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void promise.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}
