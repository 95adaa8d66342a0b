// `npm run bench:connector`: a town desktop behind yunzhuo-connector. The town is a network
// namespace (test/helpers/town-netns.ts) whose desktops the county cannot route to; the connector
// process runs inside with the veth as its uplink; the broker runs in this process (the bench asks
// its connector gateway for the listener guacd would dial). Unshaped: 100 concurrent streams, the
// connector's memory, the round trip it adds (1-byte ping-pong through it vs. straight over the
// same veth), the time to carry a stream again after a link cut. Then the uplink is shaped to
// 20 Mbit/s each way with tc tbf (no netem here), and an 8 MB echo through the connector is timed
// against the same echo over the same shaped link without it. Writes test/bench/results/connector.json.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConnectorProcess, startTownTargets, until } from '../agent/connector/connector-harness.js';
import { Factory } from '../helpers/factories.js';
import { startTestBroker } from '../helpers/start-broker.js';
import { pattern, roundTrip } from '../helpers/tcp-targets.js';
import { TownNetns } from '../helpers/town-netns.js';
import { percentile, writeBenchResult } from './bench-report.js';

const TARGETS = {
  streams: '>= 100',
  ratio_vs_direct: '>= 0.8',
  connector_rss_mb: '<= 150',
  added_rtt_p99_ms: '<= 5',
  reconnect_s: '<= 15',
};
const STREAMS = 100;
const PINGS = 300;
const SHAPED_BYTES = 8_000_000;

/** `count` one-byte ping-pongs on one connection; each round trip in ms */
async function pingPong(port: number, host: string, count: number): Promise<number[]> {
  const socket = net.connect({ port, host, noDelay: true });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write('p');
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  socket.destroy();
  return times;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function main(): Promise<boolean> {
  const town = TownNetns.create();
  const stateDir = mkdtempSync(path.join(tmpdir(), 'yz-connector-bench-'));
  const broker = await startTestBroker({ env: { YUNZHUO_HOST: town.countyIp } });
  let connector: ConnectorProcess | null = null;
  try {
    const desktops = await startTownTargets(town);
    const direct = await startTownTargets(town, town.uplinkIp); // the same stand-ins, reachable without the connector
    const f = new Factory(broker.admin);
    const siteId = (await f.site({ kind: 'town', name: '镇' })).id;
    const pool = await f.pool((await f.department()).id, siteId, [(await f.gateway({ siteId })).id], { settings: { viaConnector: true } });
    await f.desktop(pool.id, { host: town.desktopIp, port: desktops.echo });
    const token = (await broker.admin.post('/api/v1/join-tokens', { siteId })).body.token as string;
    connector = ConnectorProcess.start(town, {
      YUNZHUO_CONNECTOR_BROKER_URL: broker.url,
      YUNZHUO_CONNECTOR_JOIN_TOKEN: token,
      YUNZHUO_CONNECTOR_STATE_DIR: stateDir,
      YUNZHUO_CONNECTOR_ALLOW: `${town.desktopIp}/32`,
      YUNZHUO_CONNECTOR_LOG_LEVEL: 'info',
      // production defaults for liveness and backoff: reconnect_s is what a town would see
      YUNZHUO_CONNECTOR_PING_MS: '10000',
      YUNZHUO_CONNECTOR_BACKOFF_INITIAL_MS: '1000',
      YUNZHUO_CONNECTOR_BACKOFF_MAX_MS: '30000',
    });
    await until(() => assert.ok(broker.connectors.hub.linkFor(siteId), connector?.log), 120_000);
    const via = await broker.connectors.gateway.portFor(siteId, { host: town.desktopIp, port: desktops.echo }, null);

    const payloads = Array.from({ length: STREAMS }, (_, i) => pattern(200_000, i));
    const backs = await Promise.all(payloads.map((p) => roundTrip(via, p).catch(() => Buffer.alloc(0))));
    // how each stream ended, as audited (a stream that failed says why here)
    const closes = (await broker.admin.get('/api/v1/audit-events?action=connector.stream.close&pageSize=200')).body.items as Array<{
      details: { code: string };
    }>;
    const notEof = closes.filter((e) => e.details.code !== 'EOF').map((e) => e.details.code);
    if (notEof.length > 0) console.log(`streams not ended by EOF: ${notEof.join(', ')}; connector log:\n${connector.log.slice(-4000)}`);
    const streams = backs.filter((b, i) => b.equals(payloads[i]!)).length;
    const rss = connector.rssMb();

    const directRtt = await pingPong(direct.echo, town.uplinkIp, PINGS);
    const viaRtt = await pingPong(via, '127.0.0.1', PINGS);
    const addedRttP99 = percentile(viaRtt, 99) - percentile(directRtt, 99);

    town.setLink(false);
    const lost = connector;
    await until(() => assert.match(lost.log, /broker link lost/), 60_000);
    town.setLink(true);
    const reconnectMs = await timed(() => until(async () => assert.equal((await roundTrip(via, pattern(1000), '127.0.0.1', 3000)).length, 1000), 60_000));

    town.shape('20mbit');
    const shaped = pattern(SHAPED_BYTES, 7);
    const directMs = await timed(() => roundTrip(direct.echo, shaped, town.uplinkIp));
    const viaMs = await timed(() => roundTrip(via, shaped));
    const { pass } = writeBenchResult(
      'connector',
      {
        streams,
        streams_reset: notEof.length,
        ratio_vs_direct: directMs / viaMs,
        connector_rss_mb: rss,
        added_rtt_p99_ms: addedRttP99,
        reconnect_s: reconnectMs / 1000,
        direct_mbit_s: (SHAPED_BYTES * 8) / 1e6 / (directMs / 1000),
        via_connector_mbit_s: (SHAPED_BYTES * 8) / 1e6 / (viaMs / 1000),
        direct_rtt_p99_ms: percentile(directRtt, 99),
        added_rtt_p50_ms: percentile(viaRtt, 50) - percentile(directRtt, 50),
        via_rtt_p99_ms: percentile(viaRtt, 99),
      },
      TARGETS,
      {
        streams: `${STREAMS} concurrent echo streams of 200 kB, all bytes back intact`,
        ratio_vs_direct: `8 MB echo, 20 Mbit/s tbf each way on the uplink: direct time ÷ time through the connector`,
        connector_rss_mb: 'VmRSS of the connector process right after the 100 streams',
        added_rtt_p99_ms: `p99 of ${PINGS} one-byte ping-pongs through the connector minus straight over the same veth`,
        reconnect_s: 'uplink down until the connector saw it, then up: time to the first stream carried again',
      },
    );
    return pass;
  } finally {
    connector?.child.kill('SIGKILL');
    town.destroy();
    await broker.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  (pass) => process.exit(pass ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
