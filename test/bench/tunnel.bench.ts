// npm run bench:tunnel — one run, three relays, the same `ws` client and the same fake guacd:
// (a) a plain Node relay that pipes guacd's bytes into WebSocket frames without parsing,
// (b) our tunnel, (c) guacamole-lite 1.2.0. The fake guacd replays a stream recorded from the real
// stack (test/fixtures/guacd-stream.bin) or, if that file is missing, a synthetic one.
// Each relay runs in a child process (tunnel-relay.child.ts) so its CPU and RSS are its own.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { encodeInstruction, type Instruction } from '@yunzhuo/protocol';
import { FIRST_FRAME, FakeGuacd, type FakeGuacdConnection } from '../helpers/fake-guacd.js';
import { median, percentile, ratioTo, round, writeBenchResult } from './bench-report.js';
import { UpstreamArrivals, splitDown, splitUp, timerLateness, type SplitSamples } from './tunnel-bench.split.js';
import { END_MARKER, RelayProcess, arrival, clientUrl, downstreamRun, openClient, type RelayKind } from './tunnel-bench.clients.js';

const TARGETS = {
  ratio_vs_tcp_relay: '>= 0.8',
  ratio_vs_guacamole_lite: '>= 2',
  nagle_p99_ms: '< 5',
  nagle_up_p99_ms: '< 5',
  rss_per_idle_tunnel_kib: '<= 32',
} as const;
const REPETITIONS = Number(process.env.YZ_BENCH_REPS ?? 9);
const WARMUP_ROUNDS = 3;
const PAYLOAD_BYTES = 120e6;
const RTT_SAMPLES = 1000;
const NAGLE_SAMPLES = 300;
const IDLE_TUNNELS = 200;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A plausible guacd stream: PNG blobs in 6048-byte pieces, copies, rects, a sync per frame. */
function syntheticStream(bytes: number): Buffer {
  const parts: string[] = [encodeInstruction('size', 0, 1024, 768)];
  let size = 0;
  for (let frame = 0; size < bytes; frame++) {
    parts.push(encodeInstruction('img', 1, 14, 0, 'image/png', 64 * (frame % 16), 64 * (frame % 12)));
    for (let i = 0; i < 4; i++)
      parts.push(encodeInstruction('blob', 1, Buffer.from(Array.from({ length: 4536 }, () => (Math.random() * 256) | 0)).toString('base64')));
    parts.push(encodeInstruction('end', 1), encodeInstruction('copy', -2, 0, 0, 64, 64, 14, 0, 128, 128));
    parts.push(encodeInstruction('rect', 0, 10, 10, 100, 20), encodeInstruction('cfill', 14, 0, 0, 0, 0, 255));
    parts.push(encodeInstruction('sync', 1_700_000_000_000 + frame));
    size = parts.reduce((n, p) => n + p.length, 0);
  }
  return Buffer.from(parts.join(''));
}

const fixtureUrl = new URL('../fixtures/guacd-stream.bin', import.meta.url);
const recorded = existsSync(fixtureUrl);
const unit = recorded ? readFileSync(fixtureUrl) : syntheticStream(4e6);
const payload = Buffer.concat([...Array.from({ length: Math.ceil(PAYLOAD_BYTES / unit.length) }, () => unit), END_MARKER]);
console.log(
  `stream: ${recorded ? 'recorded fixture' : 'SYNTHETIC (fixture missing)'}, ${unit.length} bytes × ${Math.ceil(PAYLOAD_BYTES / unit.length)} = ${(payload.length / 1e6).toFixed(1)} MB per run`,
);

// One fake guacd for all; `mode` says what a new connection gets after `ready`.
let mode: 'replay' | 'frame' = 'frame';
let echo = true;
const upstreamArrivals = new UpstreamArrivals();
const guacd = await FakeGuacd.start({
  afterReady: (conn) => (mode === 'replay' ? conn.replay(payload) : void conn.send(FIRST_FRAME)),
  onInstruction: (conn: FakeGuacdConnection, instruction: Instruction) => {
    if (instruction.opcode !== 'sync') return;
    if (echo) conn.send(encodeInstruction('sync', instruction.args[0] ?? ''));
    else upstreamArrivals.record(instruction.args[0] ?? '');
  },
});
const kinds: RelayKind[] = ['tcp-relay', 'ours', 'guacamole-lite'];
const relayBundle = await RelayProcess.bundle();
const relays = new Map<RelayKind, RelayProcess>();
for (const kind of kinds) relays.set(kind, await RelayProcess.start(kind, guacd.port, relayBundle));
const relay = (kind: RelayKind): RelayProcess => relays.get(kind)!;

// Throughput: warm-up rounds (JIT), then REPETITIONS rounds. The order rotates every round and
// ratios are taken within a round, so drift on this shared machine hits all three alike.
mode = 'replay';
const mbps = new Map<RelayKind, number[]>(kinds.map((k) => [k, []]));
const ratioTcp: number[] = [];
const ratioLite: number[] = [];
for (let r = 0; r < WARMUP_ROUNDS + REPETITIONS; r++) {
  const result = new Map<RelayKind, number>();
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[(r + k) % kinds.length]!;
    result.set(kind, await downstreamRun(clientUrl(relay(kind)), payload.length));
  }
  if (r < WARMUP_ROUNDS) continue;
  for (const [kind, value] of result) mbps.get(kind)!.push(value);
  ratioTcp.push(result.get('ours')! / result.get('tcp-relay')!);
  ratioLite.push(result.get('ours')! / result.get('guacamole-lite')!);
  await sleep(100);
}
mode = 'frame';
console.log('MB/s per round:', Object.fromEntries([...mbps].map(([k, v]) => [k, v.map((x) => round(x))])));

/** Ping-pong of `sync` through `ws`, echoed by the fake guacd. */
async function rttThrough(kind: RelayKind): Promise<number[]> {
  const ws = await openClient(clientUrl(relay(kind)));
  const samples: number[] = [];
  for (let i = 0; i < RTT_SAMPLES; i++) {
    const id = `${kind[0]}${i}`;
    const started = performance.now();
    const done = arrival(ws, encodeInstruction('sync', id), started);
    ws.send(encodeInstruction('sync', id));
    samples.push(await done);
  }
  ws.terminate();
  return samples;
}

/** The same ping-pong straight over TCP to the fake guacd: the floor every relay adds to. */
async function rttDirect(): Promise<number[]> {
  const socket = net.connect({ host: '127.0.0.1', port: guacd.port });
  socket.setNoDelay(true);
  let buffered = '';
  let waiting: ((text: string) => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    waiting?.(buffered);
  });
  const until = (text: string): Promise<void> =>
    new Promise((resolve) => {
      waiting = (all) => {
        if (!all.includes(text)) return;
        buffered = '';
        waiting = null;
        resolve();
      };
      waiting(buffered);
    });
  socket.write(encodeInstruction('select', 'rdp') + encodeInstruction('connect', 'VERSION_1_3_0'));
  await until('4.sync,');
  const samples: number[] = [];
  for (let i = 0; i < RTT_SAMPLES; i++) {
    const text = encodeInstruction('sync', `d${i}`);
    const started = performance.now();
    const done = until(text);
    socket.write(text);
    await done;
    samples.push(performance.now() - started);
  }
  socket.destroy();
  return samples;
}

const direct = await rttDirect();
const rtt = new Map<RelayKind, number[]>();
for (const kind of kinds) rtt.set(kind, await rttThrough(kind));

// Split-instruction (Nagle) probes through ours and through the plain relay, and the timer control.
const split = new Map<string, SplitSamples>();
for (const kind of ['ours', 'tcp-relay'] as const) {
  split.set(`${kind} down`, await splitDown(clientUrl(relay(kind)), () => guacd.connections.at(-1)!, NAGLE_SAMPLES, `${kind[0]}n`));
  echo = false;
  split.set(`${kind} up`, await splitUp(clientUrl(relay(kind)), upstreamArrivals, NAGLE_SAMPLES, `${kind[0]}u`));
  echo = true;
}
const timerLate = await timerLateness(NAGLE_SAMPLES);
const splitP99 = (key: string, from: keyof SplitSamples): number => percentile(split.get(key)![from], 99);

/**
 * Marginal RSS of an idle tunnel (each has had its first frame) in a fresh relay process: the
 * growth from IDLE_TUNNELS to 4 × IDLE_TUNNELS open tunnels, divided by the tunnels added. The
 * first batch pays the process's fixed costs (V8 growing its young generation to its cap, pools,
 * compiled code), which do not grow with the number of tunnels and so are not per-tunnel.
 */
async function rssPerIdleTunnel(kind: RelayKind): Promise<{ rssKiB: number; rssOldKiB: number; heapKiB: number }> {
  const fresh = await RelayProcess.start(kind, guacd.port, relayBundle);
  const openMany = async (n: number): Promise<Array<Awaited<ReturnType<typeof openClient>>>> => {
    const clients = [];
    for (let i = 0; i < n; i += 20) clients.push(...(await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => openClient(clientUrl(fresh))))));
    return clients;
  };
  for (const ws of await openMany(20)) ws.terminate(); // warm up code paths and pools
  await sleep(500);
  const clients = await openMany(IDLE_TUNNELS);
  const before = await fresh.memory();
  const added = IDLE_TUNNELS * 3;
  clients.push(...(await openMany(added)));
  if (kind === 'ours') {
    const { live } = await fresh.live();
    if (live !== IDLE_TUNNELS + added) throw new Error(`${live} live tunnels, expected ${IDLE_TUNNELS + added}`);
  }
  const after = await fresh.memory();
  for (const ws of clients) ws.terminate();
  fresh.stop();
  const per = (bytes: number): number => bytes / added / 1024;
  return {
    rssKiB: per(after.rss - before.rss),
    rssOldKiB: per(after.rss - before.rss - (after.young - before.young)),
    heapKiB: per(after.heapUsed - before.heapUsed),
  };
}

const oursIdle = await rssPerIdleTunnel('ours');
const relayIdle = await rssPerIdleTunnel('tcp-relay');

for (const r of relays.values()) r.stop();
await guacd.close();

const ours = median(mbps.get('ours')!);
const tcp = median(mbps.get('tcp-relay')!);
const lite = median(mbps.get('guacamole-lite')!);
const added = (kind: RelayKind, p: number): number => percentile(rtt.get(kind)!, p) - percentile(direct, p);
writeBenchResult(
  'tunnel',
  {
    tcp_relay_mbps: tcp,
    ours_mbps: ours,
    guacamole_lite_mbps: lite,
    ratio_vs_tcp_relay: median(ratioTcp),
    ratio_vs_guacamole_lite: median(ratioLite),
    added_rtt_p50_ms: added('ours', 50),
    added_rtt_p99_ms: added('ours', 99),
    nagle_p99_ms: splitP99('ours down', 'fromLast'),
    nagle_up_p99_ms: splitP99('ours up', 'fromLast'),
    tcp_relay_nagle_p99_ms: splitP99('tcp-relay down', 'fromLast'),
    tcp_relay_nagle_up_p99_ms: splitP99('tcp-relay up', 'fromLast'),
    rss_per_idle_tunnel_kib: oursIdle.rssKiB,
    // the machine's noise in this run: each Nagle p99 as a multiple of what the plain relay adds to a round trip
    nagle_p99_vs_tcp_relay_added_rtt_p99: ratioTo(splitP99('ours down', 'fromLast'), added('tcp-relay', 99)),
    nagle_up_p99_vs_tcp_relay_added_rtt_p99: ratioTo(splitP99('ours up', 'fromLast'), added('tcp-relay', 99)),
    // and against the plain relay's own split probe, same direction
    nagle_p99_vs_tcp_relay_nagle_p99: ratioTo(splitP99('ours down', 'fromLast'), splitP99('tcp-relay down', 'fromLast')),
    nagle_up_p99_vs_tcp_relay_nagle_up_p99: ratioTo(splitP99('ours up', 'fromLast'), splitP99('tcp-relay up', 'fromLast')),
    direct_rtt_p50_ms: percentile(direct, 50),
    direct_rtt_p99_ms: percentile(direct, 99),
    tcp_relay_added_rtt_p50_ms: added('tcp-relay', 50),
    tcp_relay_added_rtt_p99_ms: added('tcp-relay', 99),
    guacamole_lite_added_rtt_p50_ms: added('guacamole-lite', 50),
    guacamole_lite_added_rtt_p99_ms: added('guacamole-lite', 99),
    nagle_p50_ms: percentile(split.get('ours down')!.fromLast, 50),
    nagle_from_first_write_p99_ms: splitP99('ours down', 'fromFirst'),
    nagle_up_from_first_write_p99_ms: splitP99('ours up', 'fromFirst'),
    tcp_relay_nagle_from_first_write_p99_ms: splitP99('tcp-relay down', 'fromFirst'),
    tcp_relay_nagle_up_from_first_write_p99_ms: splitP99('tcp-relay up', 'fromFirst'),
    timer_1ms_late_p99_ms: percentile(timerLate, 99),
    rss_excl_young_gen_per_idle_tunnel_kib: oursIdle.rssOldKiB,
    heap_per_idle_tunnel_kib: oursIdle.heapKiB,
    tcp_relay_rss_per_idle_tunnel_kib: relayIdle.rssKiB,
    tcp_relay_heap_per_idle_tunnel_kib: relayIdle.heapKiB,
    stream_recorded: recorded ? 1 : 0,
  },
  TARGETS,
  {
    ours_mbps: `median of ${REPETITIONS} rounds after ${WARMUP_ROUNDS} warm-up`,
    ratio_vs_tcp_relay: 'median of per-round ratios',
    nagle_p99_ms: 'guacd → browser, a sync in two writes ≥ 1 ms apart, from the last write',
    nagle_up_p99_ms: 'browser → guacd, the same split in two WebSocket messages, from the last',
    added_rtt_p99_ms: 'the plain relay adds tcp_relay_added_rtt_p99_ms',
    nagle_up_p99_vs_tcp_relay_added_rtt_p99: 'issue 14 saw 10.8 / 4.3 = 2.5 on a quiet machine, timed from the first write',
    nagle_from_first_write_p99_ms: "includes this process's 1 ms timer: see timer_1ms_late_p99_ms",
    timer_1ms_late_p99_ms: 'how late a 1 ms timer fires here: the noise of every "from the first write"',
    stream_recorded: recorded ? 'test/fixtures/guacd-stream.bin' : 'synthetic stream',
  },
);
process.exit(); // with the exit code writeBenchResult set (1 on a missed target)
