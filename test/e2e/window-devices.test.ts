// The window's ID card reader inside the desktop, on the REAL stack: an HTTP request made inside
// the xrdp desktop (as its user) to yunzhuo-desk's ZKIDROnline API → libxrdpapi → xrdp-chansrv
// → xrdp → guacd (1.3, or YZ_GUACD=1.6; static channel YZDEV) → our relay → the window page in Chromium → the
// agent's device bridge → the ID card driver → a ZKIDROnline simulator holding a card; and a
// document-camera still, with ffmpeg's test pattern as the camera. Across a NEW RDP connection at
// another window (its own agent and reader), and a takeover back: only the window that holds the
// desktop answers; the one left behind never reaches its reader.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { ZkIdCardDriver } from '../../agent/src/devices/id-card.driver.js';
import { FfmpegCameraDriver } from '../../agent/src/devices/camera.driver.js';
import { eventually } from '../helpers/eventually.js';
import { SAMPLE_CARD } from '../helpers/id-card-sample.js';
import { jpegSize } from '../helpers/jpeg-size.js';
import { ZkIdrSimulator } from '../helpers/zk-idr-simulator.js';
import { DeskCompanion } from '../setup/desk-companion.js';
import { freePort } from '../setup/processes.js';
import { VIEWPORT, WindowWorld, expectCleanAndIdle, submitLogin, waitForDesktop, type Clerk } from './window/window-world.js';

/** desktop accounts yzdesk16..17: apart from the window suite (5–7), the window bench (8–12) and the clipboard suite (13–15) */
const FIRST_DESKTOP = 16;
const SCAN = '/ZKIDROnline/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4&REPEAT=1&common=1';
/** the card on the reader of the second window, D-002 */
const CARD_B = { ...SAMPLE_CARD, name: '李四', sex: '女', birthDate: '19851122', idNumber: '370321198511220027' } as const;
const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]).toString('base64');

describe('window devices: the ID card reader inside the desktop (Chromium, real guacd + xrdp)', function () {
  this.timeout(180_000);
  let world: WindowWorld;
  let reader: ZkIdrSimulator;
  let bridge: DeviceBridgeServer;
  let page: Page;
  /** the second window, D-002: its own agent's bridge and reader */
  let readerB: ZkIdrSimulator;
  let bridgeB: DeviceBridgeServer;
  let pageB: Page;
  let reads: { clerk: Clerk; username: string };
  let cameraOnly: { clerk: Clerk; username: string };
  const companions: DeskCompanion[] = [];

  before(async function () {
    this.timeout(240_000);
    world = await WindowWorld.start(FIRST_DESKTOP + 1);
    reader = await ZkIdrSimulator.start();
    reader.card = { ...SAMPLE_CARD, photoJpeg: PHOTO };
    bridge = new DeviceBridgeServer([
      new ZkIdCardDriver(reader.baseUrl),
      new FfmpegCameraDriver(['-f', 'lavfi', '-i', 'testsrc2=size={width}x{height}:rate=1']),
    ]);
    await bridge.listen();
    const site = await world.factory.site({ name: '桓台县政务服务中心', kind: 'county' });
    const gateway = await world.gateway(site.id);
    const pools = [
      ['身份证', ['idcard']],
      ['高拍仪', ['camera']],
    ] as const;
    const clerks = [];
    for (const [i, [name, devices]] of pools.entries()) {
      const desktop = world.stack.desktops[FIRST_DESKTOP - 1 + i]!;
      const department = await world.factory.department({ name: `设备-${name}` });
      await world.pool(department.id, site.id, gateway.id, [desktop], { settings: { security: 'any', ignoreCert: true, devices: [...devices] } });
      clerks.push({ clerk: await world.clerk([department.id], site.id, `设备 ${name}`), username: desktop.username });
    }
    [reads, cameraOnly] = clerks as [typeof reads, typeof reads];
    const seat = await world.seat(site.id, 'D-001', null);
    const context = await world.browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.on('pageerror', (err) => world.pageErrors.push(err.message));
    // as the agent opens the kiosk: the terminal credential and the device bridge in the fragment
    await page.goto(`${world.url}/terminal#credential=${seat.terminal.credential}&${bridge.fragment}`);
    await page.getByTestId('idle-screen').waitFor();

    readerB = await ZkIdrSimulator.start();
    readerB.card = CARD_B;
    bridgeB = new DeviceBridgeServer([new ZkIdCardDriver(readerB.baseUrl)]);
    await bridgeB.listen();
    const seatB = await world.seat(site.id, 'D-002', null);
    pageB = await (await world.browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
    pageB.on('pageerror', (err) => world.pageErrors.push(`D-002: ${err.message}`));
    await pageB.goto(`${world.url}/terminal#credential=${seatB.terminal.credential}&${bridgeB.fragment}`);
    await pageB.getByTestId('idle-screen').waitFor();
  });

  after(async function () {
    this.timeout(60_000);
    for (const desk of companions) await desk.stop();
    await bridge?.close();
    await reader?.close();
    await bridgeB?.close();
    await readerB?.close();
    await world?.stop();
  });

  afterEach(async function () {
    await expectCleanAndIdle(world, page);
  });

  async function loginAndStartCompanion(who: { clerk: Clerk; username: string }): Promise<DeskCompanion> {
    await submitLogin(page, who.clerk.username);
    await waitForDesktop(page);
    // the first frame may be xrdp's own screen: the session's X server comes up just after
    const desk = await eventually(async () => DeskCompanion.start(who.username, await freePort()), { timeoutMs: 20_000, intervalMs: 200 });
    companions.push(desk);
    return desk;
  }

  async function scanInside(desk: DeskCompanion): Promise<Record<string, unknown>> {
    const text = (await desk.requestInside(SCAN)).toString('utf8');
    return JSON.parse(text.replace(/\\/g, '/')) as Record<string, unknown>;
  }

  async function auditRows(action: string): Promise<Array<{ details: Record<string, unknown> }>> {
    return (await world.broker.admin.get(`/api/v1/audit-events?action=${action}&order=desc&pageSize=20`)).body.items;
  }

  it("reads the card held by the window's reader from inside the desktop, in the vendor's format, audited with the number masked; after 断开 and a login at another window over a NEW RDP connection, that window's card; after a takeover back, the window left behind answers nothing", async () => {
    const desk = await loginAndStartCompanion(reads);
    const started = performance.now();
    const first = await scanInside(desk);
    const firstMs = Math.round(performance.now() - started);
    assert.equal(first.ret, 0, JSON.stringify(first));
    assert.deepEqual(first.Certificate, {
      Name: '张三',
      Sex: '男',
      Nation: '汉',
      Birthday: '19900307',
      Address: SAMPLE_CARD.address,
      IDNumber: '370321199003071234',
      IDIssued: '桓台县公安局',
      IssuedData: '20150101',
      ValidDate: '20350101',
      Other: '',
      CardNumber: '',
      PhotoName: '',
      Base64Photo: PHOTO,
    });
    const used = await eventually(async () => {
      const rows = await auditRows('device.used');
      assert.ok(rows.length >= 1);
      return rows[0]!;
    });
    assert.equal(used.details.subject, '3703**********1234');
    assert.equal(used.details.device, 'idcard');
    const audit = JSON.stringify(await world.broker.admin.get('/api/v1/audit-events?pageSize=200'));
    assert.doesNotMatch(audit, /370321199003071234|张三/, 'the audit holds no card field but the masked number');

    // 断开, and the parked guacd connection is lost (a gateway restart, a network cut): guacd ends
    // that RDP connection, so the login at D-002 makes a NEW one (xrdp reconnects the same X
    // session) and the channel is a new one: the companion reopens it on its next request
    await page.getByTestId('disconnect').click();
    await page.getByTestId('idle-screen').waitFor();
    assert.ok(world.tap.dropAll() >= 1, 'the guacd connection of D-001 was cut');
    const readsAtA = reader.reads;
    const connectionsBefore = world.tap.connections.length;
    await submitLogin(pageB, reads.clerk.username);
    await waitForDesktop(pageB);
    const opened = world.tap.connections
      .slice(connectionsBefore)
      .filter((c) => c.readyAt !== null)
      .map((c) => c.selected);
    assert.ok(opened.includes('rdp'), `a new RDP connection, not a join of the old one: ${JSON.stringify(opened)}`);
    const newConnectionAt = performance.now();
    const waitedOn: string[] = [];
    const atB = await eventually(
      async () => {
        const body = await scanInside(desk);
        if (body.ret !== 0) waitedOn.push(`${String(body.yzCode)}@${Math.round(performance.now() - newConnectionAt)}`);
        assert.equal(body.ret, 0, JSON.stringify(body));
        return body;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    const reopenMs = Math.round(performance.now() - newConnectionAt);
    assert.equal((atB.Certificate as Record<string, string>).IDNumber, CARD_B.idNumber, 'the card on the reader of the window now holding the desktop');
    assert.equal(reader.reads, readsAtA, 'the reader of D-001, left behind, was never asked');

    // the clerk goes back to D-001 while D-002 is live: D-001 takes the desktop over; D-002's page,
    // still open with its own agent and reader, answers nothing more
    const readsAtB = readerB.reads;
    await submitLogin(page, reads.clerk.username);
    await waitForDesktop(page);
    await pageB.locator('[data-testid=desktop-trouble][data-trouble=taken-over]').waitFor({ timeout: 10_000 });
    const back = await eventually(
      async () => {
        const body = await scanInside(desk);
        assert.equal(body.ret, 0, JSON.stringify(body));
        return body;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    assert.equal((back.Certificate as Record<string, string>).IDNumber, SAMPLE_CARD.idNumber);
    assert.equal(readerB.reads, readsAtB, 'the window that lost the desktop cannot answer device requests');
    await pageB.getByTestId('trouble-to-login').click();
    await pageB.getByTestId('idle-screen').waitFor();
    console.log(
      `      first read inside the desktop: ${firstMs} ms; first good read on the new RDP connection after ${reopenMs} ms (before it: ${waitedOn.join(' ') || 'none'}); reads at D-001 ${reader.reads}, at D-002 ${readerB.reads}`,
    );
  });

  it('a pool with only the camera: a clear refusal of the card inside the desktop with a device.refused audit row, the reader never touched; a 1920×1080 camera still', async () => {
    const readsBefore = reader.reads;
    const desk = await loginAndStartCompanion(cameraOnly);
    const refused = await scanInside(desk);
    assert.deepEqual(refused, { ret: 30, yzCode: 'DEVICE_CLASS_DISABLED', yzMessage: '本桌面池未启用该类窗口设备，请联系信息中心' });
    const row = await eventually(async () => {
      const rows = await auditRows('device.refused');
      assert.ok(rows.length >= 1);
      return rows[0]!;
    });
    assert.deepEqual([row.details.device, row.details.outcome], ['idcard', 'DEVICE_CLASS_DISABLED']);
    assert.equal(reader.reads, readsBefore);

    // the class this pool does enable: a 1920×1080 still through the same channel
    const started = performance.now();
    const jpeg = await desk.requestInside('/yunzhuo/v1/camera/still?width=1920&height=1080');
    const stillMs = Math.round(performance.now() - started);
    assert.equal(jpeg.readUInt16BE(0), 0xffd8, `a JPEG, got ${jpeg.subarray(0, 80).toString()}`);
    assert.deepEqual(jpegSize(jpeg), { width: 1920, height: 1080 });
    const audited = await eventually(async () => {
      const rows = await auditRows('device.used');
      const camera = rows.find((r) => r.details.device === 'camera');
      assert.ok(camera);
      return camera;
    });
    assert.ok(Number(audited.details.bytes) > jpeg.length, 'the size of what passed, not the image, is kept');

    // the live preview: in a panel of the window page beside the desktop's frame, straight from the
    // agent; frame after frame, none of it through the desktop's canvas
    const usedBefore = (await auditRows('device.used')).length;
    await page.getByTestId('camera-preview-open').click();
    const image = page.getByTestId('camera-preview-image');
    await image.waitFor();
    const firstSrc = await image.getAttribute('src');
    await page.waitForFunction(
      (src) => {
        const img = (
          globalThis as unknown as { document: { querySelector(s: string): { src: string; naturalWidth: number; complete: boolean } | null } }
        ).document.querySelector('[data-testid=camera-preview-image]');
        return img !== null && img.src !== src && img.complete && img.naturalWidth === 640;
      },
      firstSrc,
      { timeout: 15_000 },
    );
    assert.equal(await page.locator('[data-testid=display-frame] [data-testid=camera-preview]').count(), 0, "not inside the desktop's frame");
    await world.shot(page, 'camera-preview');
    await page.getByTestId('camera-preview-close').click();
    await page.getByTestId('camera-preview-open').waitFor();
    assert.equal((await auditRows('device.used')).length, usedBefore, 'the preview never went through the channel');
    console.log(`      1920×1080 still inside the desktop: ${stillMs} ms, ${jpeg.length} bytes`);
  });
});
