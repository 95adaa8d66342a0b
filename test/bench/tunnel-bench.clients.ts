// Clients and helpers of the tunnel bench: a relay child process, the three URLs, and the
// WebSocket client probes (the same `ws` client for every relay).
import { fork, type ChildProcess } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { bundleBenchChild } from './bench-bundle.js';
import { LITE_KEY, type RelayKind } from './tunnel-bench.kinds.js';

export type { RelayKind };

export const END_MARKER = Buffer.from('4.done;');

export class RelayProcess {
  port = 0;

  private constructor(
    readonly kind: RelayKind,
    private readonly child: ChildProcess,
  ) {}

  /** tunnel-relay.child.ts bundled as the broker ships (bench-bundle.ts), run by plain node */
  static bundle(): Promise<string> {
    return bundleBenchChild(fileURLToPath(new URL('./tunnel-relay.child.ts', import.meta.url)));
  }

  static async start(kind: RelayKind, guacdPort: number, bundled: string): Promise<RelayProcess> {
    const child = fork(bundled, [], {
      // YZ_BENCH_RELAY_ARGS: extra node flags for the relay, e.g. --cpu-prof when investigating.
      execArgv: ['--expose-gc', ...(process.env.YZ_BENCH_RELAY_ARGS?.split(' ').filter(Boolean) ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const relay = new RelayProcess(kind, child);
    relay.port = (await relay.ask<{ port: number }>({ cmd: 'start', kind, guacdPort })).port;
    return relay;
  }

  ask<T>(request: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (reply) => resolve(reply as T));
      this.child.once('exit', (code) => reject(new Error(`relay child exited with ${code}`)));
      this.child.send(request);
    });
  }

  memory(): Promise<{ rss: number; heapUsed: number; young: number }> {
    return this.ask({ cmd: 'memory' });
  }

  live(): Promise<{ live: number }> {
    return this.ask({ cmd: 'live' });
  }

  /** The child exits on disconnect (so --cpu-prof can write its profile). */
  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

/** guacamole-lite's token: AES-256-CBC of the JSON, then base64 of {iv, value} (its README). */
function liteToken(): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', Buffer.from(LITE_KEY), iv);
  const settings = { hostname: '10.0.0.1', port: '3389', username: 'u', password: 'p', security: 'any', 'ignore-cert': true };
  const json = JSON.stringify({ connection: { type: 'rdp', settings } });
  const value = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]).toString('base64');
  return Buffer.from(JSON.stringify({ iv: iv.toString('base64'), value })).toString('base64');
}

export function clientUrl(relay: RelayProcess): string {
  const base = `ws://127.0.0.1:${relay.port}`;
  if (relay.kind === 'ours') return `${base}/tunnel?token=bench&width=1024&height=768&dpi=96`;
  if (relay.kind === 'guacamole-lite') return `${base}/?token=${encodeURIComponent(liteToken())}`;
  return `${base}/`;
}

/** Opens a client and resolves once a message with `4.sync,` (the first frame) arrived. */
export function openClient(url: string, timeoutMs = 10_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'guacamole', { perMessageDeflate: false });
    const timer = setTimeout(() => reject(new Error(`no first frame from ${url.split('?')[0]}`)), timeoutMs);
    const onMessage = (data: Buffer): void => {
      if (data.indexOf('4.sync,') === -1) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(ws);
    };
    ws.on('message', onMessage);
    ws.once('error', reject);
  });
}

/** Downstream MB/s of one replay: from the WebSocket open to the end marker. */
export function downstreamRun(url: string, payloadBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'guacamole', { perMessageDeflate: false });
    let started = 0;
    let received = 0;
    let tail: Buffer = Buffer.alloc(0);
    ws.on('open', () => (started = performance.now()));
    ws.on('message', (data: Buffer) => {
      received += data.length;
      tail = data.length >= END_MARKER.length ? data.subarray(-END_MARKER.length) : Buffer.concat([tail, data]).subarray(-END_MARKER.length);
      if (!tail.equals(END_MARKER)) return;
      const seconds = (performance.now() - started) / 1000;
      ws.terminate();
      if (received < payloadBytes) reject(new Error(`only ${received} of ${payloadBytes} bytes`));
      else resolve(payloadBytes / seconds / 1e6);
    });
    ws.on('error', reject);
  });
}

/** Resolves with the time (ms since `since`) at which a message containing `text` arrives. */
export function arrival(ws: WebSocket, text: string, since: number, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${text} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (data: Buffer): void => {
      if (data.indexOf(text) === -1) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(performance.now() - since);
    };
    ws.on('message', onMessage);
  });
}
