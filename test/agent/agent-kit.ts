import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { AGENT_PROTOCOL_HEADER, AGENT_PROTOCOL_VERSION } from '../../protocol/src/agent/version.js';
import { loadConfig } from '../../broker/src/config/load-config.js';
import { startBroker, type RunningBroker } from '../../broker/src/server.js';
import type { RecordedAction } from '../../agent/src/os/recording/recording-os.js';
import { ApiClient } from '../helpers/api-client.js';
import { EVENTUALLY_TIMEOUT_MS, eventually } from '../helpers/eventually.js';
import { Factory } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestBroker, type TestBroker } from '../helpers/start-broker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AGENT_BIN = path.join(ROOT, 'agent/bin/yunzhuo-agent.mjs');

/** Short intervals so a test sees online/offline and reconnects in about a second. */
export const FAST = { heartbeatMs: 250, backoffInitialMs: 100, backoffMaxMs: 1000 };

/** A real broker (in-process, port 0) that can be restarted on the same port and data dir. */
export class FleetBroker {
  admin!: ApiClient;
  factory!: Factory;
  #current: RunningBroker;
  #down = false;

  private constructor(private readonly first: TestBroker) {
    this.#current = first;
    this.#signedIn(first.admin);
  }

  static async start(): Promise<FleetBroker> {
    return new FleetBroker(await startTestBroker({ dialect: 'sqlite' }));
  }

  get url(): string {
    return this.first.url;
  }

  get broker(): RunningBroker {
    return this.#current;
  }

  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }

  /** Closes the broker (its port and data dir stay reserved for `up()`). */
  async down(): Promise<void> {
    this.#down = true;
    await this.#current.close();
  }

  /** Starts the broker again on the same port and data dir. */
  async up(): Promise<void> {
    const config = loadConfig({
      YUNZHUO_PORT: String(this.first.port),
      YUNZHUO_DATA_DIR: this.first.dataDir,
      YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD,
      YUNZHUO_LOG_LEVEL: 'silent',
      YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600',
      YUNZHUO_TOTP_REQUIRED_ROLES: 'none',
    });
    this.#current = await startBroker({ config });
    this.#down = false;
    const admin = new ApiClient(this.#current.url);
    await admin.login('admin', ADMIN_PASSWORD);
    this.#signedIn(admin);
  }

  async stop(): Promise<void> {
    if (!this.#down) await this.#current.close();
    rmSync(this.first.dataDir, { recursive: true, force: true });
  }

  async joinToken(siteId: string, opts: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
    return this.admin.create('/api/v1/join-tokens', { siteId, ...opts });
  }

  async terminal(id: string): Promise<{
    id: string;
    online: boolean;
    state: string;
    windowId: string | null;
    siteId: string;
    lastSeenAt: string | null;
    devices: Array<{ class: string; state: string; model?: string }> | null;
  }> {
    const res = await this.admin.get(`/api/v1/terminals/${id}`);
    if (res.status !== 200) throw new Error(`GET terminal ${id} → ${res.status}`);
    return res.body;
  }

  async waitOnline(id: string, online = true, timeoutMs = EVENTUALLY_TIMEOUT_MS): Promise<void> {
    await eventually(async () => (await this.terminal(id)).online === online, { timeoutMs, intervalMs: 50 });
  }

  async command(id: string, command: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return this.admin.post(`/api/v1/terminals/${id}/commands`, { command, ...extra });
  }

  #signedIn(admin: ApiClient): void {
    this.admin = admin;
    this.factory = new Factory(admin);
  }
}

/** One real `yunzhuo-agent` process with the recording OS adapter. */
export class AgentProcess {
  readonly stateDir = mkdtempSync(path.join(tmpdir(), 'yz-agent-'));
  readonly recordFile = path.join(this.stateDir, 'actions.jsonl');
  child!: ChildProcess;
  stderr = '';
  exitCode: number | null = null;
  #exited!: Promise<number | null>;

  constructor(
    readonly brokerUrl: string,
    readonly opts: { joinToken?: string; hardwareId?: string; name?: string; env?: Record<string, string> } = {},
  ) {}

  static async start(brokerUrl: string, opts: AgentProcess['opts'] = {}): Promise<AgentProcess> {
    const agent = new AgentProcess(brokerUrl, opts);
    agent.spawn();
    return agent;
  }

  /** (Re)starts the process on the same state dir: a second start reuses the stored identity. */
  spawn(extraEnv: Record<string, string> = {}): void {
    const env: Record<string, string> = {
      ...(Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('YUNZHUO_'))) as Record<string, string>),
      YUNZHUO_AGENT_BROKER_URL: this.brokerUrl,
      YUNZHUO_AGENT_STATE_DIR: this.stateDir,
      YUNZHUO_AGENT_OS: 'recording',
      YUNZHUO_AGENT_RECORD_FILE: this.recordFile,
      YUNZHUO_AGENT_HEARTBEAT_MS: String(FAST.heartbeatMs),
      YUNZHUO_AGENT_BACKOFF_INITIAL_MS: String(FAST.backoffInitialMs),
      YUNZHUO_AGENT_BACKOFF_MAX_MS: String(FAST.backoffMaxMs),
      YUNZHUO_AGENT_HARDWARE_ID: this.opts.hardwareId ?? `hw-${path.basename(this.stateDir)}`,
      YUNZHUO_AGENT_NAME: this.opts.name ?? `终端-${path.basename(this.stateDir)}`,
      YUNZHUO_AGENT_LOG_LEVEL: 'info',
      ...(this.opts.joinToken ? { YUNZHUO_AGENT_JOIN_TOKEN: this.opts.joinToken } : {}),
      ...this.opts.env,
      ...extraEnv,
    };
    for (const [k, v] of Object.entries(env)) if (v === '') delete env[k]; // '' removes a setting
    this.exitCode = null;
    this.child = spawn(process.execPath, [AGENT_BIN], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.#exited = new Promise((resolve) => this.child.once('exit', (code) => resolve((this.exitCode = code))));
  }

  get identity(): { terminalId: string; credential: string; siteId: string } {
    return JSON.parse(readFileSync(path.join(this.stateDir, 'identity.json'), 'utf8'));
  }

  async terminalId(timeoutMs = 10_000): Promise<string> {
    const id = await eventually(() => existsSync(path.join(this.stateDir, 'identity.json')) && this.identity.terminalId, { timeoutMs });
    return String(id);
  }

  records(): RecordedAction[] {
    if (!existsSync(this.recordFile)) return [];
    return readFileSync(this.recordFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RecordedAction);
  }

  exited(timeoutMs = 10_000): Promise<number | null> {
    return Promise.race([
      this.#exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`agent did not exit; stderr:\n${this.stderr}`)), timeoutMs).unref()),
    ]);
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited();
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.#exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

export interface RawUpgrade {
  status: number;
  body: { error?: { code?: string } } | undefined;
  ws?: WebSocket;
}

/** A hand-made agent socket, to test what a real agent never sends. Resolves on open or on refusal. */
export function rawAgentSocket(brokerUrl: string, headers: Record<string, string>): Promise<RawUpgrade> {
  const url = brokerUrl.replace(/^http/, 'ws') + '/agent';
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        ws.terminate();
      });
    });
    ws.on('open', () => resolve({ status: 101, body: undefined, ws }));
    // after a refusal, terminate() reports "closed before the connection was established": already resolved
    ws.on('error', reject);
  });
}

export function agentHeaders(credential: string, version = AGENT_PROTOCOL_VERSION): Record<string, string> {
  return { authorization: `Terminal ${credential}`, [AGENT_PROTOCOL_HEADER]: version };
}

/** Messages a raw socket received, and its close code once it closes. */
export function watch(ws: WebSocket): { messages: Array<{ type: string } & Record<string, unknown>>; closed: Promise<{ code: number; reason: string }> } {
  const messages: Array<{ type: string } & Record<string, unknown>> = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { messages, closed };
}

/**
 * Stands in for the window page on the agent's screen channel (issue 17): connects with the
 * address in the kiosk URL's fragment, keeps what it hears, and answers `shown` unless told not to.
 */
export async function fakeWindowPage(
  kioskUrl: string,
  opts: { answer?: boolean } = {},
): Promise<{ messages: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const value = new URLSearchParams(new URL(kioskUrl).hash.slice(1)).get('screen') ?? '';
  const [port, secret] = value.split('.');
  const ws = new WebSocket(`ws://127.0.0.1:${port}/?secret=${secret}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const messages: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    messages.push(m);
    if (opts.answer !== false) ws.send(JSON.stringify({ type: 'shown', id: m.id }));
  });
  // resolves once the agent answered the close: it no longer counts this page
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  return { messages, close: () => (ws.close(), closed) };
}
