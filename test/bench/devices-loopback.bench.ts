// `npm run bench:devices:loopback`: the window-device path on loopback, without guacd and xrdp: an HTTP
// request to yunzhuo-desk's ZKIDROnline API → DeskLink frames → the window page's relay (a
// WebSocket client passing bytes as they are) → the agent's device bridge → its driver → the
// ZKIDROnline simulator (which answers at once, so id_read excludes the reader's own time) or
// ffmpeg's test pattern as the camera. Writes test/bench/results/devices-loopback.json. The figures
// of the issue come from the real stack: `npm run bench:devices` (devices.bench.ts).
import { DeskLink } from '../../agent/src/desk/desk-link.js';
import { ZkIdrApi } from '../../agent/src/desk/zk-idr.api.js';
import { FfmpegCameraDriver } from '../../agent/src/devices/camera.driver.js';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { ZkIdCardDriver } from '../../agent/src/devices/id-card.driver.js';
import { channelThroughBridge } from '../helpers/bridge-channel.js';
import { SAMPLE_CARD } from '../helpers/id-card-sample.js';
import { ZkIdrSimulator } from '../helpers/zk-idr-simulator.js';
import { median, percentile, writeBenchResult } from './bench-report.js';

const ID_READS = 300;
const STILLS = 5;
const BULK_READS = 10;
/** a card photo of 1 MiB (base64 1.33 MiB): channel throughput measured on big answers */
const BIG_PHOTO = Buffer.alloc(1024 * 1024, 0x5a).toString('base64');

async function main(): Promise<boolean> {
  const reader = await ZkIdrSimulator.start();
  reader.card = SAMPLE_CARD;
  const bridge = new DeviceBridgeServer([
    new ZkIdCardDriver(reader.baseUrl),
    new FfmpegCameraDriver(['-f', 'lavfi', '-i', 'testsrc2=size={width}x{height}:rate=1']),
  ]);
  const bridgePort = await bridge.listen();
  const { channel, ws } = await channelThroughBridge(`ws://127.0.0.1:${bridgePort}/?secret=${bridge.secret}`, ['idcard', 'camera']);
  const link = new DeskLink(channel, { readSliceMs: 50 });
  const api = new ZkIdrApi(link);
  const scanUrl = `http://127.0.0.1:${await api.listen(0)}/ZKIDROnline/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4`;
  try {
    const scan = async (): Promise<number> => {
      const started = performance.now();
      const body = (await (await fetch(scanUrl)).json()) as { ret: number };
      if (body.ret !== 0) throw new Error(`read failed: ${JSON.stringify(body)}`);
      return performance.now() - started;
    };
    await scan(); // opens the link (hello)
    const idReads: number[] = [];
    for (let i = 0; i < ID_READS; i++) idReads.push(await scan());

    const stills: number[] = [];
    let stillBytes = 0;
    for (let i = 0; i < STILLS; i++) {
      const started = performance.now();
      const still = await link.request({ op: 'camera.still', width: 1920, height: 1080 });
      stills.push(performance.now() - started);
      if (still.op === 'camera.still') stillBytes = Buffer.byteLength(still.jpeg, 'base64');
    }

    reader.card = { ...SAMPLE_CARD, photoJpeg: BIG_PHOTO };
    let bulkBytes = 0;
    const bulkStarted = performance.now();
    for (let i = 0; i < BULK_READS; i++) {
      const answer = await link.request({ op: 'idcard.read', withPhoto: true });
      bulkBytes += Buffer.byteLength(JSON.stringify(answer));
    }
    const bulkSeconds = (performance.now() - bulkStarted) / 1000;

    const { pass } = writeBenchResult(
      'devices-loopback',
      {
        id_read_p50_ms: median(idReads),
        id_read_p99_ms: percentile(idReads, 99),
        still_1080p_ms: median(stills),
        channel_mbps: (bulkBytes * 8) / bulkSeconds / 1e6,
        still_1080p_bytes: stillBytes,
        id_reads: idReads.length,
      },
      {
        id_read_p50_ms: '<= 300',
        id_read_p99_ms: '<= 300',
        still_1080p_ms: '<= 1500',
        channel_mbps: '>= 10',
      },
      {
        id_read_p99_ms: 'loopback, no guacd/xrdp in the path',
        channel_mbps: 'answers of 1.4 MB through frames + bridge',
      },
    );
    return pass;
  } finally {
    link.close();
    ws.close();
    await api.close();
    await bridge.close();
    await reader.close();
  }
}

main().then(
  (pass) => process.exit(pass ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
