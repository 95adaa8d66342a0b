/**
 * 5,000 terminals against one broker process — the production bundle (`npm run build:broker`)
 * under plain node. Simulated terminals run the agent's own code (fleet-terminals.child.ts),
 * 1,250 per worker process. Measured: enrollment rate; terminals online at steady heartbeat (as
 * the broker's API counts them); the broker's RSS, CPU and GC time at steady heartbeat (/proc and
 * /metrics), and its CPU per heartbeat against a bare `ws` server fed the same terminals'
 * heartbeats in the same run (fleet-bare-ws.child.ts); the time from stopping the broker until
 * every terminal is back on its successor; broker start-up empty, under the reconnect storm, and
 * quiet with the fleet in its database; heartbeats lost (sent, never acknowledged).
 *
 *   npm run bench:fleet                       # 5,000 terminals, 60 s steady windows
 *   YZ_FLEET_TERMINALS=500 YZ_FLEET_STEADY_S=20 npm run bench:fleet
 */
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../helpers/api-client.js';
import { startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.js';
import { buildBrokerBundle, bundleBenchChild } from './bench-bundle.js';
import { median, round, writeBenchResult } from './bench-report.js';
import { HEARTBEAT_MS, Worker, fleetStatus, type WorkerStatus } from './fleet-terminals.js';

const SELF = fileURLToPath(import.meta.url);
const TERMINALS = Number(process.env.YZ_FLEET_TERMINALS ?? 5000);
const WORKERS = Math.min(4, Math.max(2, Math.ceil(TERMINALS / 1250)));
const STEADY_S = Number(process.env.YZ_FLEET_STEADY_S ?? 60);
const ADMIN_PASSWORD = 'fleet-bench-pass-1';
const FD_LIMIT = 65_535;
/** a miss makes the run exit 1 (writeBenchResult sets the exit code) */
const TARGETS = {
  terminals: '>= 5000',
  broker_rss_mb: '<= 300',
  cpu_ratio_vs_bare_ws: '<= 3',
  reconnect_all_s: '<= 30',
} as const;

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

/** seconds of GC the broker has spent so far, from its Prometheus metrics */
async function gcSeconds(brokerUrl: string): Promise<number> {
  const text = await (await fetch(`${brokerUrl}/metrics`)).text();
  return [...text.matchAll(/^yunzhuo_nodejs_gc_duration_seconds_sum\{[^}]*\} ([\d.e+-]+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

interface Steady {
  cpuPct: number;
  gcPct: number;
  cpuMsPerBeat: number;
  beatsPerS: number;
  rssMb: number[];
  lost: number;
}

/** One heartbeat interval to settle, then STEADY_S seconds: CPU, GC (when it has /metrics) and RSS of `pid`, heartbeats acked. */
async function steadyWindow(pid: number, workers: Worker[], metricsUrl?: string): Promise<Steady> {
  await sleep(HEARTBEAT_MS + 2000);
  const rss: number[] = [];
  const gc0 = metricsUrl ? await gcSeconds(metricsUrl) : Number.NaN;
  const cpu0 = cpuSeconds(pid);
  const w0 = performance.now();
  const beats0 = await fleetStatus(workers);
  while (performance.now() - w0 < STEADY_S * 1000) {
    rss.push(rssMb(pid));
    await sleep(1000);
  }
  const cpuS = cpuSeconds(pid) - cpu0;
  const beats1 = await fleetStatus(workers);
  const seconds = (performance.now() - w0) / 1000;
  const acked = beats1.acked - beats0.acked;
  const gcS = metricsUrl ? (await gcSeconds(metricsUrl)) - gc0 : Number.NaN;
  return {
    cpuPct: (cpuS / seconds) * 100,
    gcPct: (gcS / seconds) * 100,
    cpuMsPerBeat: (cpuS * 1000) / acked,
    beatsPerS: acked / seconds,
    rssMb: rss,
    lost: beats1.lost - beats0.lost,
  };
}

async function allReady(workers: Worker[], what: string): Promise<void> {
  await until(what, async () => (await fleetStatus(workers)).ready === TERMINALS, 120_000, 250);
}

async function main(): Promise<void> {
  const limit = spawnSync('bash', ['-c', 'ulimit -n']).stdout.toString().trim();
  console.log(`fleet: ${TERMINALS} terminals in ${WORKERS} worker processes, heartbeat ${HEARTBEAT_MS} ms, fd limit ${limit}`);
  buildBrokerBundle();
  const bareBundle = await bundleBenchChild(fileURLToPath(new URL('./fleet-bare-ws.child.ts', import.meta.url)));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yz-fleet-'));
  const env = { YUNZHUO_DATA_DIR: dataDir, YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD, YUNZHUO_RECONCILE_INTERVAL_SECONDS: '3600', YUNZHUO_LOG_LEVEL: 'info' };
  /** a broker to `broker ready`: wall seconds, and CPU seconds it spent (wall minus CPU is waiting for the machine) */
  const start = async (extra: Record<string, string> = {}): Promise<{ broker: BrokerProcess; seconds: number; cpuSeconds: number }> => {
    const t0 = performance.now();
    const broker = await startBrokerProcess({ ...env, ...extra }, 120_000, { built: true });
    return { broker, seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSeconds(broker.child.pid!) };
  };
  const first = await start();
  let broker = first.broker;
  const workers = Array.from({ length: WORKERS }, () => new Worker());
  const hellos = workers.map((w) => w.next('hello'));
  // plain node, not this process's tsx flags
  const bare = fork(bareBundle, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const bareListening = new Promise<{ port: number }>((resolve) => bare.once('message', (m) => resolve(m as { port: number })));
  try {
    await Promise.all(hellos);
    const barePort = (await bareListening).port;
    let admin = new ApiClient(broker.url);
    await admin.login('admin', ADMIN_PASSWORD);
    const site = await admin.create('/api/v1/sites', { code: 'FLEET', name: '县便民服务中心', kind: 'county' });
    const { token } = await admin.create('/api/v1/join-tokens', { siteId: site.id, maxUses: TERMINALS, expiresInHours: 2 });

    // 1. enrollment, 16 at a time per worker
    const share = (i: number) => Math.floor(TERMINALS / WORKERS) + (i < TERMINALS % WORKERS ? 1 : 0);
    const t0 = performance.now();
    await Promise.all(
      workers.map((w, i) => w.ask({ cmd: 'enroll', brokerUrl: broker.url, token, count: share(i), prefix: `w${i}`, concurrency: 16 }, 'enrolled')),
    );
    const enrollS = (performance.now() - t0) / 1000;
    const enrollPerS = TERMINALS / enrollS;
    console.log(`enrolled ${TERMINALS} in ${enrollS.toFixed(1)} s (${enrollPerS.toFixed(0)}/s)`);

    // 2. connect everyone; 3. steady heartbeat, then the terminals online as the broker counts them
    const c0 = performance.now();
    await Promise.all(workers.map((w) => w.ask({ cmd: 'connect', brokerUrl: broker.url }, 'connecting')));
    await allReady(workers, 'all connected');
    console.log(`all ${TERMINALS} connected after ${((performance.now() - c0) / 1000).toFixed(1)} s`);
    const ours = await steadyWindow(broker.child.pid!, workers, broker.url);
    const online = await onlineCount(admin);
    console.log(
      `steady: ${online} online; RSS median ${median(ours.rssMb).toFixed(0)} MB, CPU ${ours.cpuPct.toFixed(2)} % of a core (GC ${ours.gcPct.toFixed(2)} %), ${ours.beatsPerS.toFixed(0)} heartbeats/s, ${ours.cpuMsPerBeat.toFixed(3)} ms CPU each`,
    );

    // 4. restart: SIGTERM (agents are told "going away"), a new broker on the same port and data
    const r0 = performance.now();
    await broker.stop();
    const storm = await start({ YUNZHUO_PORT: String(broker.port) });
    broker = storm.broker;
    await until('all reconnected', async () => (await fleetStatus(workers)).reconnected === TERMINALS, 120_000, 100);
    const reconnectS = (performance.now() - r0) / 1000;
    admin = new ApiClient(broker.url);
    await admin.login('admin', ADMIN_PASSWORD);
    await until('all online after restart', async () => (await onlineCount(admin)) === TERMINALS, 30_000, 250);
    await sleep(HEARTBEAT_MS + 2000);
    const rssAfter = rssMb(broker.child.pid!);
    const end: WorkerStatus = await fleetStatus(workers);
    console.log(
      `restart: new broker up after ${storm.seconds.toFixed(1)} s, all ${TERMINALS} back after ${reconnectS.toFixed(1)} s; RSS after ${rssAfter.toFixed(0)} MB`,
    );

    // 5. the same terminals on the bare ws server: its CPU per heartbeat is the floor
    await Promise.all(workers.map((w) => w.ask({ cmd: 'disconnect' }, 'disconnected')));
    await Promise.all(workers.map((w) => w.ask({ cmd: 'connect', brokerUrl: `http://127.0.0.1:${barePort}` }, 'connecting')));
    await allReady(workers, 'all connected to the bare ws server');
    const floor = await steadyWindow(bare.pid!, workers);
    console.log(
      `bare ws: CPU ${floor.cpuPct.toFixed(2)} % of a core, ${floor.beatsPerS.toFixed(0)} heartbeats/s, ${floor.cpuMsPerBeat.toFixed(3)} ms CPU each`,
    );

    // 6. start-up with the fleet in the database but no terminal knocking
    await broker.stop();
    const quiet = await start({ YUNZHUO_PORT: String(broker.port) });
    broker = quiet.broker;
    const startUp = (s: { seconds: number; cpuSeconds: number }): string => `${s.seconds.toFixed(1)} s (${s.cpuSeconds.toFixed(1)} s CPU)`;
    console.log(`start-up: empty ${startUp(first)}, in the reconnect storm ${startUp(storm)}, quiet with ${TERMINALS} terminals ${startUp(quiet)}`);

    writeBenchResult(
      'fleet',
      {
        terminals: online,
        enroll_per_s: round(enrollPerS, 1),
        broker_rss_mb: round(median(ours.rssMb), 1),
        broker_rss_max_mb: round(Math.max(...ours.rssMb), 1),
        broker_cpu_pct: round(ours.cpuPct, 2),
        broker_gc_pct: round(ours.gcPct, 2),
        broker_cpu_ms_per_heartbeat: ours.cpuMsPerBeat,
        bare_ws_cpu_pct: round(floor.cpuPct, 2),
        bare_ws_cpu_ms_per_heartbeat: floor.cpuMsPerBeat,
        cpu_ratio_vs_bare_ws: ours.cpuMsPerBeat / floor.cpuMsPerBeat,
        steady_heartbeats_per_s: round(ours.beatsPerS, 1),
        broker_start_empty_s: round(first.seconds, 2),
        broker_restart_s: round(storm.seconds, 2),
        broker_start_quiet_s: round(quiet.seconds, 2),
        broker_start_empty_cpu_s: round(first.cpuSeconds, 2),
        broker_restart_cpu_s: round(storm.cpuSeconds, 2),
        broker_start_quiet_cpu_s: round(quiet.cpuSeconds, 2),
        reconnect_all_s: round(reconnectS, 2),
        broker_rss_after_restart_mb: round(rssAfter, 1),
        heartbeats_sent: end.sent,
        heartbeats_lost: end.lost,
      },
      TARGETS,
      {
        terminals: 'online at steady heartbeat, as GET /api/v1/terminals?online=true counts them',
        cpu_ratio_vs_bare_ws: 'broker CPU ms per heartbeat / bare ws server CPU ms per heartbeat, same terminals, same run',
        broker_restart_s: 'start-up while the terminals reconnect',
      },
    );
  } finally {
    await Promise.all(workers.map((w) => w.ask({ cmd: 'stop' }, 'stopped').catch(() => undefined)));
    bare.kill();
    await broker.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.env.YZ_FLEET_FD_RAISED !== '1') {
  // one broker holds 5,000 sockets: raise the file-descriptor limit for this process tree first
  const raised = spawnSync(
    'bash',
    [
      '-c',
      `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
      process.execPath,
      ...process.execArgv,
      SELF,
      ...process.argv.slice(2),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, YZ_FLEET_FD_RAISED: '1' },
    },
  );
  process.exit(raised.status ?? 1);
} else {
  main().then(
    () => process.exit(), // with the exit code writeBenchResult set (1 on a missed target)
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
