/**
 * 5,000 terminals against one broker process. Simulated terminals run the agent's own code
 * (`enroll()` and `AgentConnection`, the production heartbeat of 10 s ± 10 % and the production
 * backoff), 1,250 per worker process. Measured: enrollment rate; broker RSS and CPU at steady
 * heartbeat (read from /proc/<pid>); the time from stopping the broker until every terminal is
 * connected to its successor; heartbeats lost (sent, never acknowledged).
 *
 *   npm run bench:fleet                       # 5,000 terminals, 60 s steady window
 *   YZ_FLEET_TERMINALS=500 YZ_FLEET_STEADY_S=20 npm run bench:fleet
 */
import { execFileSync, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentConnection } from '../../agent/src/connection/agent-connection.js';
import { enroll } from '../../agent/src/identity/enroll-client.js';
import type { AgentInfo } from '../../protocol/src/agent/messages.js';
import { ApiClient } from '../helpers/api-client.js';
import { startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.js';
import { median, round, writeBenchResult } from './bench-report.js';

const SELF = fileURLToPath(import.meta.url);
const TERMINALS = Number(process.env.YZ_FLEET_TERMINALS ?? 5000);
const WORKERS = Math.min(4, Math.max(2, Math.ceil(TERMINALS / 1250)));
const STEADY_S = Number(process.env.YZ_FLEET_STEADY_S ?? 60);
const HEARTBEAT_MS = 10_000;
const ADMIN_PASSWORD = 'fleet-bench-pass-1';
const FD_LIMIT = 65_535;

/* ---------------------------------------------------------------- worker ---------- */

interface WorkerStatus { total: number; ready: number; reconnected: number; sent: number; acked: number; lost: number }
type WorkerCommand =
  | { cmd: 'enroll'; brokerUrl: string; token: string; count: number; prefix: string; concurrency: number }
  | { cmd: 'connect'; brokerUrl: string }
  | { cmd: 'status' }
  | { cmd: 'stop' };

function runWorker(): void {
  const credentials: string[] = [];
  const connections: AgentConnection[] = [];
  let epoch = 0;
  const info = (hardwareId: string): AgentInfo => ({
    agentVersion: 'bench', hostname: hardwareId, os: 'Linux bench', uptimeSeconds: 3600, load: [0.1, 0.1, 0.1],
    memory: { totalBytes: 2 ** 31, freeBytes: 2 ** 30 }, addresses: ['10.0.0.1'], screen: { width: 1920, height: 1080 }, kiosk: 'running', hardwareId,
  });
  const reply = (message: unknown) => process.send!(message);

  process.on('message', async (m: WorkerCommand) => {
    if (m.cmd === 'enroll') {
      let next = 0;
      const one = async () => {
        while (next < m.count) {
          const i = next++;
          const res = await enroll(m.brokerUrl, { joinToken: m.token, hardwareId: `${m.prefix}-${i}`, name: `bench-${m.prefix}-${i}` });
          credentials.push(res.credential);
        }
      };
      await Promise.all(Array.from({ length: m.concurrency }, one));
      reply({ cmd: 'enrolled', count: credentials.length });
    } else if (m.cmd === 'connect') {
      for (const [i, credential] of credentials.entries()) {
        const hardwareId = `${process.pid}-${i}`;
        const c = new AgentConnection({
          brokerUrl: m.brokerUrl, credential, heartbeatMs: HEARTBEAT_MS, heartbeatJitter: 0.1, backoff: { initialMs: 1000, maxMs: 30_000 },
          info: () => info(hardwareId), onCommand: async () => ({ outcome: { ok: true, result: {} } }),
        });
        connections.push(c);
        c.start();
      }
      epoch = 1;
      reply({ cmd: 'connecting' });
    } else if (m.cmd === 'status') {
      const s: WorkerStatus = { total: connections.length, ready: 0, reconnected: 0, sent: 0, acked: 0, lost: 0 };
      for (const c of connections) {
        if (c.ready) s.ready++;
        if (c.ready && c.stats.connects > epoch) s.reconnected++;
        s.sent += c.stats.heartbeatsSent;
        s.acked += c.stats.heartbeatsAcked;
        s.lost += c.stats.heartbeatsLost;
      }
      reply({ cmd: 'status', status: s });
    } else if (m.cmd === 'stop') {
      await Promise.all(connections.map((c) => c.stop()));
      reply({ cmd: 'stopped' });
      process.exit(0);
    }
  });
  reply({ cmd: 'hello' });
}

/* ---------------------------------------------------------------- main ------------ */

class Worker {
  readonly child: ChildProcess;
  readonly #waiters = new Map<string, Array<(m: Record<string, unknown>) => void>>();

  constructor() {
    this.child = fork(SELF, ['--worker'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: Record<string, unknown>) => {
      const list = this.#waiters.get(String(m.cmd));
      list?.shift()?.(m);
    });
  }

  /** resolves with the next message named `answer` */
  next<T extends Record<string, unknown>>(answer: string): Promise<T> {
    return new Promise((resolve) => {
      const list = this.#waiters.get(answer) ?? [];
      list.push((m) => resolve(m as T));
      this.#waiters.set(answer, list);
    });
  }

  ask<T extends Record<string, unknown>>(message: WorkerCommand, answer: string): Promise<T> {
    const answered = this.next<T>(answer);
    this.child.send(message);
    return answered;
  }

  async status(): Promise<WorkerStatus> {
    return (await this.ask<{ status: WorkerStatus }>({ cmd: 'status' }, 'status')).status;
  }
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process, in seconds */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function total(workers: Worker[]): Promise<WorkerStatus> {
  const all = await Promise.all(workers.map((w) => w.status()));
  return all.reduce((a, s) => ({ total: a.total + s.total, ready: a.ready + s.ready, reconnected: a.reconnected + s.reconnected, sent: a.sent + s.sent, acked: a.acked + s.acked, lost: a.lost + s.lost }));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function onlineCount(admin: ApiClient): Promise<number> {
  return (await admin.get('/api/v1/terminals?online=true&pageSize=1')).body.total as number;
}

async function main(): Promise<void> {
  const limit = spawnSync('bash', ['-c', 'ulimit -n']).stdout.toString().trim();
  console.log(`fleet: ${TERMINALS} terminals in ${WORKERS} worker processes, heartbeat ${HEARTBEAT_MS} ms, fd limit ${limit}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yz-fleet-'));
  const env = { YUNZHUO_DATA_DIR: dataDir, YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD, YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600', YUNZHUO_LOG_LEVEL: 'info' };
  let broker: BrokerProcess = await startBrokerProcess(env);
  const workers = Array.from({ length: WORKERS }, () => new Worker());
  try {
    await Promise.all(workers.map((w) => w.next('hello')));
    let admin = new ApiClient(broker.url);
    await admin.login('admin', ADMIN_PASSWORD);
    const site = await admin.create('/api/v1/sites', { code: 'FLEET', name: '县便民服务中心', kind: 'county' });
    const { token } = await admin.create('/api/v1/join-tokens', { siteId: site.id, maxUses: TERMINALS, expiresInHours: 2 });

    // 1. enrollment, 16 at a time per worker
    const share = (i: number) => Math.floor(TERMINALS / WORKERS) + (i < TERMINALS % WORKERS ? 1 : 0);
    const t0 = performance.now();
    await Promise.all(workers.map((w, i) => w.ask({ cmd: 'enroll', brokerUrl: broker.url, token, count: share(i), prefix: `w${i}`, concurrency: 16 }, 'enrolled')));
    const enrollS = (performance.now() - t0) / 1000;
    const enrollPerS = TERMINALS / enrollS;
    console.log(`enrolled ${TERMINALS} in ${enrollS.toFixed(1)} s (${enrollPerS.toFixed(0)}/s)`);

    // 2. connect everyone and wait until the broker has them all online
    const c0 = performance.now();
    await Promise.all(workers.map((w) => w.ask({ cmd: 'connect', brokerUrl: broker.url }, 'connecting')));
    await until('all connected', async () => (await total(workers)).ready === TERMINALS, 120_000, 250);
    await until('all online in the database', async () => (await onlineCount(admin)) === TERMINALS, 30_000, 250);
    console.log(`all ${TERMINALS} connected and online after ${((performance.now() - c0) / 1000).toFixed(1)} s`);

    // 3. steady heartbeat: one interval to settle, then the measured window
    await sleep(HEARTBEAT_MS + 2000);
    const pid = broker.child.pid!;
    const rss: number[] = [];
    const cpu0 = cpuSeconds(pid);
    const w0 = performance.now();
    const beats0 = await total(workers);
    while (performance.now() - w0 < STEADY_S * 1000) {
      rss.push(rssMb(pid));
      await sleep(1000);
    }
    const cpuPct = ((cpuSeconds(pid) - cpu0) / ((performance.now() - w0) / 1000)) * 100;
    const beats1 = await total(workers);
    const steadyRate = (beats1.acked - beats0.acked) / STEADY_S;
    console.log(`steady: RSS median ${median(rss).toFixed(0)} MB (max ${Math.max(...rss).toFixed(0)}), CPU ${cpuPct.toFixed(2)} % of a core, ${steadyRate.toFixed(0)} heartbeats/s, lost in window ${beats1.lost - beats0.lost}`);

    // 4. restart: SIGTERM (agents are told "going away"), a new broker on the same port and data
    const r0 = performance.now();
    await broker.stop();
    broker = await startBrokerProcess({ ...env, YUNZHUO_PORT: String(broker.port) });
    const startS = (performance.now() - r0) / 1000;
    const backlog: number[] = [];
    await until('all reconnected', async () => {
      const s = await total(workers);
      backlog.push(s.reconnected);
      return s.reconnected === TERMINALS;
    }, 120_000, 100);
    const reconnectS = (performance.now() - r0) / 1000;
    admin = new ApiClient(broker.url);
    await admin.login('admin', ADMIN_PASSWORD);
    await until('all online after restart', async () => (await onlineCount(admin)) === TERMINALS, 30_000, 250);
    await sleep(HEARTBEAT_MS + 2000);
    const rssAfter = rssMb(broker.child.pid!);
    const end = await total(workers);
    console.log(`restart: new broker up after ${startS.toFixed(1)} s, all ${TERMINALS} back after ${reconnectS.toFixed(1)} s; RSS after ${rssAfter.toFixed(0)} MB`);

    writeBenchResult(
      'fleet',
      {
        terminals: TERMINALS,
        enroll_per_s: round(enrollPerS, 1),
        broker_rss_mb: round(median(rss), 1),
        broker_rss_max_mb: round(Math.max(...rss), 1),
        broker_cpu_pct: round(cpuPct, 2),
        steady_heartbeats_per_s: round(steadyRate, 1),
        broker_restart_s: round(startS, 2),
        reconnect_all_s: round(reconnectS, 2),
        broker_rss_after_restart_mb: round(rssAfter, 1),
        heartbeats_sent: end.sent,
        heartbeats_lost: end.lost,
      },
      { terminals: '>= 5000', broker_rss_mb: '<= 300', broker_cpu_pct: '<= 10', reconnect_all_s: '<= 30' },
    );
  } finally {
    await Promise.all(workers.map((w) => w.ask({ cmd: 'stop' }, 'stopped').catch(() => undefined)));
    await broker.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--worker')) {
  runWorker();
} else if (process.env.YZ_FLEET_FD_RAISED !== '1') {
  // one broker holds 5,000 sockets: raise the file-descriptor limit for this process tree first
  const raised = spawnSync('bash', ['-c', `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, ...process.execArgv, SELF, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, YZ_FLEET_FD_RAISED: '1' },
  });
  process.exit(raised.status ?? 1);
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
