// `npm run bench:devices` (under the e2e lock): the window devices through the REAL stack, as the
// e2e test goes: a process of the desktop's user inside the xrdp desktop → yunzhuo-desk's
// ZKIDROnline API → libxrdpapi → xrdp-chansrv → xrdp → guacd (1.3, or YZ_GUACD=1.6) → our relay →
// the window page in Chromium → the agent's device bridge → the ID card driver → a ZKIDROnline
// simulator that answers at once (so id_read excludes the reader's own time); the camera is
// ffmpeg's test pattern. One process makes all the requests of a kind (no process start in the
// figures). Writes test/bench/results/devices.json and exits 1 when a target is missed.
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { FfmpegCameraDriver } from '../../agent/src/devices/camera.driver.js';
import { ZkIdCardDriver } from '../../agent/src/devices/id-card.driver.js';
import { WindowWorld, VIEWPORT, submitLogin, waitForDesktop } from '../e2e/window/window-world.js';
import { eventually } from '../helpers/eventually.js';
import { SAMPLE_CARD } from '../helpers/id-card-sample.js';
import { ZkIdrSimulator } from '../helpers/zk-idr-simulator.js';
import { DeskCompanion } from '../setup/desk-companion.js';
import { freePort } from '../setup/processes.js';
import { median, percentile, writeBenchResult } from './bench-report.js';

/** the e2e devices suite's desktop account (yzdesk16): the lock keeps the two apart */
const DESKTOP = 16;
const ID_READS = 200;
const STILLS = 5;
const BULK_READS = 5;
/** a card photo of 1 MiB (base64 1.33 MiB): the channel's throughput towards the desktop */
const BIG_PHOTO = Buffer.alloc(1024 * 1024, 0x5a).toString('base64');
const SCAN = '/ZKIDROnline/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4';

async function main(): Promise<boolean> {
  const world = await WindowWorld.start(DESKTOP);
  const reader = await ZkIdrSimulator.start();
  const bridge = new DeviceBridgeServer([
    new ZkIdCardDriver(reader.baseUrl),
    new FfmpegCameraDriver(['-f', 'lavfi', '-i', 'testsrc2=size={width}x{height}:rate=1']),
  ]);
  let desk: DeskCompanion | null = null;
  try {
    reader.card = SAMPLE_CARD;
    await bridge.listen();
    const site = await world.factory.site({ name: '设备基准', kind: 'county' });
    const gateway = await world.gateway(site.id);
    const department = await world.factory.department({ name: '设备基准' });
    const desktop = world.stack.desktops[DESKTOP - 1]!;
    await world.pool(department.id, site.id, gateway.id, [desktop], { settings: { security: 'any', ignoreCert: true, devices: ['idcard', 'camera'] } });
    const clerk = await world.clerk([department.id], site.id, '设备基准');
    const seat = await world.seat(site.id, 'B-001', null);
    const page = await (await world.browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' })).newPage();
    await page.goto(`${world.url}/terminal#credential=${seat.terminal.credential}&${bridge.fragment}`);
    await page.getByTestId('idle-screen').waitFor();
    await submitLogin(page, clerk.username);
    await waitForDesktop(page);
    const companion = await eventually(async () => DeskCompanion.start(desktop.username, await freePort()), { timeoutMs: 20_000, intervalMs: 200 });
    desk = companion;
    // the first read opens the channel (hello); the bench measures the reads after it
    await eventually(async () => companion.timeInside(SCAN, 1), { timeoutMs: 20_000, intervalMs: 500 });

    const idReads = (await companion.timeInside(SCAN, ID_READS)).map((r) => r.ms);
    const stills = await companion.timeInside('/yunzhuo/v1/camera/still?width=1920&height=1080', STILLS);
    reader.card = { ...SAMPLE_CARD, photoJpeg: BIG_PHOTO };
    const bulk = await companion.timeInside(SCAN, BULK_READS);
    const bulkBytes = bulk.reduce((sum, r) => sum + r.bytes, 0);
    const bulkSeconds = bulk.reduce((sum, r) => sum + r.ms, 0) / 1000;

    const { pass } = writeBenchResult(
      'devices',
      {
        id_read_p50_ms: median(idReads),
        id_read_p99_ms: percentile(idReads, 99),
        still_1080p_ms: median(stills.map((r) => r.ms)),
        channel_mbps: (bulkBytes * 8) / bulkSeconds / 1e6,
        still_1080p_bytes: median(stills.map((r) => r.bytes)),
        id_reads: idReads.length,
        reader_reads: reader.reads,
      },
      {
        id_read_p50_ms: '<= 300',
        id_read_p99_ms: '<= 300',
        still_1080p_ms: '<= 1500',
        channel_mbps: '>= 10',
      },
      {
        id_read_p99_ms: `through xrdp + guacd ${world.stack.guacdVersion} + relay + Chromium; the simulated reader answers at once`,
        channel_mbps: 'card answers of 1.4 MB, window → desktop',
      },
    );
    return pass;
  } finally {
    await desk?.stop();
    await bridge.close();
    await reader.close();
    await world.stop();
  }
}

main().then(
  (pass) => process.exit(pass ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
