// `npm run bench:town`: a county window's clerk on a TOWN desktop reached only through
// yunzhuo-connector, over the WAN — 20 Mbit/s (tc tbf on the town's veth, both ends) and
// 40 ms round trip with ±5 ms jitter per direction (a delaying proxy in front of each broker on the
// connector's link; this kernel has no netem). All real: xrdp + Xvnc inside the town's network
// namespace, the connector process inside, two broker processes on PostgreSQL, the county's guacd,
// Chromium (test/e2e/town/town-world.ts). Figures: login → first frame; typing echo (a key press
// leaving the page → the desktop's drawing of it arriving, measured in the page); after a connector
// restart and after a 10 s link cut, the time until the same shell answers a typed line again.
// Writes test/bench/results/town-wan.json; a miss exits 1. Runs under the e2e lock (package.json).
import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { TOWN_WAN, TownWorld } from '../e2e/town/town-world.js';
import { clearDesktopFiles, desktopFile, secondsUntilBack, seesDesktop, typeLine } from '../e2e/town/town-steps.js';
import { eventually } from '../helpers/eventually.js';
import { median, percentile, writeBenchResult } from './bench-report.js';

const TARGETS = { first_frame_ms: '<= 3000', typing_echo_p99_ms: '<= 150', restart_back_s: '<= 15', link_cut_back_s: '<= 15' };
const KEYS = Number(process.env.YZ_TOWN_KEYS ?? 100);
const LINK_CUT_MS = 10_000;
const FILES = ['yz-town-bench.txt', 'yz-town-bench-restart.txt', 'yz-town-bench-cut.txt'];

async function main(): Promise<void> {
  const world = await TownWorld.start(TOWN_WAN);
  try {
    await clearDesktopFiles(world, FILES);
    const page = await world.openWindow();
    const marks = await world.login();
    const sessionId = marks.sessionId!;
    const firstFrameMs = marks.firstFrameAt! - marks.loginAt!;
    const pixels = await seesDesktop(page);

    const marker = `yz${Date.now().toString(36)}`;
    await page.locator('[data-testid=display-frame]').click({ position: { x: 600, y: 400 } });
    await typeLine(page, `YZMARK=${marker}`);
    await typeLine(page, 'echo "$YZMARK" > ~/yz-town-bench.txt');
    await eventually(
      () =>
        desktopFile(world, FILES[0]!).then(
          (s) => s.trim() === marker,
          () => false,
        ),
      { timeoutMs: 15_000 },
    );
    const echoes: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      echoes.push(await world.typingEcho());
      if (i % 40 === 39) await page.keyboard.press('Control+U'); // keep the shell's line short
    }
    await page.keyboard.press('Control+U');
    // the WAN as the connector sees it: its WebSocket ping round trip to a broker, through the delaying proxy
    const linkRttMs = ((await world.admin.get('/api/v1/connectors')).body.items as Array<{ rttMs: number | null }>)[0]?.rttMs ?? Number.NaN;

    const restartedAt = await world.restartConnector();
    const restartBack = await secondsUntilBack(world, sessionId, marker, FILES[1]!, restartedAt);

    world.town.setLink(false);
    await new Promise((resolve) => setTimeout(resolve, LINK_CUT_MS)); // the outage itself
    world.town.setLink(true);
    const cutBack = await secondsUntilBack(world, sessionId, marker, FILES[2]!, performance.now());
    await seesDesktop(page);
    assert.equal((await world.admin.get(`/api/v1/sessions/${sessionId}`)).body.state, 'active');

    writeBenchResult(
      'town-wan',
      {
        first_frame_ms: firstFrameMs,
        typing_echo_p99_ms: percentile(echoes, 99),
        restart_back_s: restartBack,
        link_cut_back_s: cutBack,
        typing_echo_p50_ms: median(echoes),
        typing_echo_p90_ms: percentile(echoes, 90),
        typing_echo_max_ms: Math.max(...echoes),
        keys: echoes.length,
        load_average_1m: loadavg()[0]!,
        link_rtt_ms: linkRttMs,
        desktop_width: pixels.width,
        desktop_height: pixels.height,
      },
      TARGETS,
      {
        first_frame_ms: 'click on 登录 at county window B-021 (broker B) → first frame of the town desktop (a new xrdp session)',
        typing_echo_p99_ms: `${KEYS} key presses, one at a time after 250 ms without drawing: the key leaving the page on the tunnel → the first drawing back`,
        restart_back_s: 'connector SIGTERM + start again (production ping/backoff) → the same shell writes a typed line',
        link_cut_back_s: 'veth down 10 s, up → the same shell writes a typed line',
        link_rtt_ms: "the connector's last WebSocket ping round trip to a broker (through the delaying proxy)",
      },
    );
  } finally {
    await world.stop();
  }
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
