// Scans into the desktop on the REAL stack: the window page's 拍照送入桌面 → the agent's camera (an
// ffmpeg test source) → the page uploads the still into guacd's drive 窗口材料 through our relay
// (policy + SHA-256 audit) → guacd (RDPDR) → xrdp-chansrv's FUSE mount under the desktop user's
// ~/thinclient_drives → read there by the desktop's own user. The scanner folder's newest file goes
// the same way. A download asked for on the page's own tunnel (the pool has downloads off) never
// reaches guacd and is audited.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { FfmpegCameraDriver } from '../../agent/src/devices/camera.driver.js';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { cameraInput } from '../../agent/src/devices/window-devices.js';
import { eventually } from '../helpers/eventually.js';
import { jpegSize } from '../helpers/jpeg-size.js';
import { samplePdf } from '../helpers/pdf-sample.js';
import { DesktopDrive } from '../setup/desktop-drive.js';
import { VIEWPORT, WindowWorld, expectCleanAndIdle, submitLogin, waitForDesktop, type Clerk } from './window/window-world.js';

/** desktop account yzdesk19: apart from the window (5–7), bench (8–12), clipboard (13–15), devices (16–17) and paper (18) suites */
const DESKTOP = 19;
/** xrdp names the drive by guacd's RDPDR announce, not by `drive-name` */
const DRIVE = 'GUACFS';
const CAMERA = 'lavfi:testsrc=size={width}x{height}:rate=1';

describe('window drive: a scan taken at the window is a file inside the desktop (Chromium, real guacd + xrdp)', function () {
  this.timeout(180_000);
  let world: WindowWorld;
  let bridge: DeviceBridgeServer;
  let page: Page;
  let clerk: Clerk;
  let username: string;
  let scanner: string;
  /** the page's tunnel sockets, as Playwright routes them (a download is asked for on them) */
  const tunnels: WebSocketRoute[] = []; // each the server side of one page tunnel

  before(async function () {
    this.timeout(240_000);
    world = await WindowWorld.start(DESKTOP);
    scanner = await mkdtemp(path.join(tmpdir(), 'yz-scanner-'));
    const camera = new FfmpegCameraDriver(cameraInput(CAMERA));
    await camera.warmUp();
    bridge = new DeviceBridgeServer([camera], null, scanner);
    await bridge.listen();
    const site = await world.factory.site({ name: '桓台县政务服务中心', kind: 'county' });
    const gateway = await world.gateway(site.id);
    const desktop = world.stack.desktops[DESKTOP - 1]!;
    username = desktop.username;
    const department = await world.factory.department({ name: '受理-材料' });
    // the drive with the defaults: uploads of JPEG / PNG / PDF up to 20 MiB, downloads off
    await world.pool(department.id, site.id, gateway.id, [desktop], { settings: { security: 'any', ignoreCert: true, drive: {} } });
    clerk = await world.clerk([department.id], site.id, '受理 材料');
    const { terminal } = await world.factory.windowWithTerminal(site.id, { code: 'S-012', label: '窗口12', departmentId: null });
    const context = await world.browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.on('pageerror', (err) => world.pageErrors.push(err.message));
    await page.routeWebSocket(/\/tunnel/, (ws) => {
      tunnels.push(ws.connectToServer()); // passes everything both ways
    });
    await page.goto(`${world.url}/terminal#credential=${terminal.credential}&${bridge.fragment}`);
    await page.getByTestId('idle-screen').waitFor();
  });

  after(async function () {
    this.timeout(60_000);
    await bridge?.close();
    await world?.stop();
    if (scanner) await rm(scanner, { recursive: true, force: true });
  });

  afterEach(async () => {
    await expectCleanAndIdle(world, page);
  });

  async function auditRows(action: string): Promise<Array<{ details: Record<string, unknown> }>> {
    return (await world.broker.admin.get(`/api/v1/audit-events?action=${action}&order=desc&pageSize=20`)).body.items;
  }

  /** Clicks a send button; resolves with the file's name as the page lists it and ms from the click until the desktop's user can read it whole. */
  async function sendAndRead(drive: DesktopDrive, button: string): Promise<{ name: string; bytes: Buffer; ms: number }> {
    const before = await page.getByTestId('drive-sent-file').count();
    const started = performance.now();
    await page.getByTestId(button).click();
    const listed = page.getByTestId('drive-sent-file').nth(0);
    await eventually(
      async () => {
        if (await page.getByTestId('drive-error').isVisible()) throw new Error(`the page says: ${await page.getByTestId('drive-error').textContent()}`);
        return (await page.getByTestId('drive-sent-file').count()) > before || null;
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    const name = (await listed.getAttribute('data-name'))!;
    const size = Number(await listed.getAttribute('data-bytes'));
    const bytes = await eventually(
      async () => {
        const read = await drive.read(DRIVE, name);
        return read && read.length === size ? read : null;
      },
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    return { name, bytes: bytes!, ms: performance.now() - started };
  }

  it('拍照送入桌面: the still is readable inside the desktop, named by time and window, within 2 s, and audited with its SHA-256; the scanner folder’s newest file follows; 注销 removes the drive on the guacd host', async () => {
    await submitLogin(page, clerk.username);
    await waitForDesktop(page);
    await page.getByTestId('drive-panel').waitFor({ timeout: 30_000 });
    const drive = (await eventually(() => DesktopDrive.of(username).catch(() => null), { intervalMs: 200 }))!;
    assert.deepEqual(await eventually(async () => ((await drive.drives()).length > 0 ? drive.drives() : null)), [DRIVE]);

    const still = await sendAndRead(drive, 'drive-send-camera');
    assert.match(still.name, /^\d{8}-\d{6}-窗口12-高拍仪\.jpg$/);
    assert.deepEqual(jpegSize(still.bytes), { width: 1920, height: 1080 });
    assert.ok(still.ms <= 2000, `the still was readable inside the desktop after ${Math.round(still.ms)} ms (target ≤ 2000)`);
    assert.match((await page.getByTestId('drive-sent-file').nth(0).textContent()) ?? '', /已送入桌面「窗口材料」：.*高拍仪\.jpg（\d+ KB）/);
    const sent = await eventually(async () => (await auditRows('paper.file-sent')).find((row) => row.details.name === still.name) ?? null);
    assert.equal(sent!.details.sha256, createHash('sha256').update(still.bytes).digest('hex'));
    assert.equal(sent!.details.bytes, still.bytes.length);
    assert.equal(sent!.details.mimetype, 'image/jpeg');

    const pdf = samplePdf(['受理材料 扫描件 S-012'], { widthPt: 595, heightPt: 842 });
    await writeFile(path.join(scanner, 'older.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    await new Promise((resolve) => setTimeout(resolve, 20)); // a later mtime for the scanner's newest file
    await writeFile(path.join(scanner, 'scan0001.pdf'), pdf);
    const scan = await sendAndRead(drive, 'drive-send-folder');
    assert.match(scan.name, /^\d{8}-\d{6}-窗口12-扫描\.pdf$/);
    assert.deepEqual(scan.bytes, pdf);
    const scanRow = await eventually(async () => (await auditRows('paper.file-sent')).find((row) => row.details.name === scan.name) ?? null);
    assert.equal(scanRow!.details.sha256, createHash('sha256').update(pdf).digest('hex'));

    // the scans stay on the guacd host only while the session lives: 注销 removes its drive
    const sessionId = (await page.getByTestId('desktop-view').getAttribute('data-session-id'))!;
    const onGuacdHost = path.join(world.broker.dataDir, 'window-drives', sessionId);
    assert.ok(existsSync(path.join(onGuacdHost, still.name)), 'guacd wrote the still into the session’s drive');
    await page.getByTestId('logoff').click();
    await page.getByTestId('logoff-confirm').click();
    await page.getByTestId('idle-screen').waitFor();
    await eventually(async () => !existsSync(onGuacdHost));
  });

  it('a download asked for on the page’s tunnel (downloads off) never reaches guacd and is audited; the desktop stays connected', async () => {
    await submitLogin(page, clerk.username);
    await waitForDesktop(page);
    await page.getByTestId('drive-panel').waitFor({ timeout: 30_000 });
    const tunnel = tunnels.at(-1)!;
    const name = '/受理材料.pdf';
    // what a tampered page would send: `get` on the drive object (index 0: guacd's `filesystem` to a connection's owner)
    tunnel.send(`3.get,1.0,${[...name].length}.${name};`);
    const refused = await eventually(async () => (await auditRows('paper.file-refused')).find((row) => row.details.name === name) ?? null);
    assert.equal(refused!.details.direction, 'download');
    assert.equal(refused!.details.reason, 'download-off');
    assert.equal(await page.getByTestId('desktop-view').getAttribute('data-phase'), 'live');
  });
});
