// The channel path of printing on the REAL stack: `lp` run inside the xrdp desktop (as its user)
// on the desktop's 窗口打印机 queue → its yunzhuo CUPS backend → yunzhuo-desk → libxrdpapi → xrdp
// → guacd (static channel YZDEV) → our relay → the window page in Chromium → the agent's device
// bridge → CupsPrinter → the window's CUPS (cups-pdf) → a PDF with the receipt's text. The page
// shows the toast (已送到窗口打印机 / 打印失败：缺纸) and the broker writes the paper audit row.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { CupsPrinter } from '../../agent/src/paper/cups-printer.js';
import { eventually } from '../helpers/eventually.js';
import { samplePdf } from '../helpers/pdf-sample.js';
import { DeskCompanion } from '../setup/desk-companion.js';
import { DESK_QUEUE_FILES, pdfFacts, startPrivateCups, type PrivateCups } from '../setup/private-cups.js';
import { freePort } from '../setup/processes.js';
import { VIEWPORT, WindowWorld, expectCleanAndIdle, submitLogin, waitForDesktop, type Clerk } from './window/window-world.js';

/** desktop account yzdesk18: apart from the window (5–7), bench (8–12), clipboard (13–15) and devices (16–17) suites */
const DESKTOP = 18;
const DESK_QUEUE = 'yunzhuo-window';

describe('window paper: a print inside the desktop reaches the window printer over the device channel (Chromium, real guacd + xrdp)', function () {
  this.timeout(180_000);
  let world: WindowWorld;
  let cups: PrivateCups;
  let bridge: DeviceBridgeServer;
  let page: Page;
  let clerk: Clerk;
  let username: string;
  let desk: DeskCompanion | null = null;
  let desktopCups: PrivateCups | null = null;
  let files: string;

  before(async function () {
    this.timeout(240_000);
    world = await WindowWorld.start(DESKTOP);
    cups = await startPrivateCups('counter');
    bridge = new DeviceBridgeServer([], new CupsPrinter({ server: cups.server }));
    await bridge.listen();
    const site = await world.factory.site({ name: '桓台县政务服务中心', kind: 'county' });
    const gateway = await world.gateway(site.id);
    const desktop = world.stack.desktops[DESKTOP - 1]!;
    username = desktop.username;
    const department = await world.factory.department({ name: '出件-打印' });
    // the window printer and no device: printing alone opens the channel
    await world.pool(department.id, site.id, gateway.id, [desktop], { settings: { security: 'any', ignoreCert: true, printing: true } });
    clerk = await world.clerk([department.id], site.id, '出件 打印');
    const { terminal } = await world.factory.windowWithTerminal(site.id, {
      code: 'P-001',
      departmentId: null,
      printer: { name: cups.queue, paper: 'A4', copies: 1, duplex: false },
    });
    const context = await world.browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.on('pageerror', (err) => world.pageErrors.push(err.message));
    await page.goto(`${world.url}/terminal#credential=${terminal.credential}&${bridge.fragment}`);
    await page.getByTestId('idle-screen').waitFor();
    files = await mkdtemp(path.join(tmpdir(), 'yz-paper-e2e-'));
    await chmod(files, 0o755);
  });

  after(async function () {
    this.timeout(60_000);
    await desk?.stop();
    await desktopCups?.stop();
    await bridge?.close();
    await cups?.stop();
    await world?.stop();
    if (files) await rm(files, { recursive: true, force: true });
  });

  afterEach(async function () {
    await expectCleanAndIdle(world, page);
  });

  /** `lp` on the desktop's queue, run inside the desktop as its user, as a desktop application prints. */
  async function printInside(text: string): Promise<void> {
    const file = path.join(files, `${text.replace(/\W+/g, '-')}.pdf`);
    await writeFile(file, samplePdf([text], { widthPt: 595, heightPt: 842 }), { mode: 0o644 });
    const user = desk!.user;
    await new Promise<void>((resolve, reject) => {
      const child = spawn('lp', ['-h', desktopCups!.server, '-d', DESK_QUEUE, '-t', 'receipt', file], {
        uid: user.uid,
        gid: user.gid,
        env: user.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let said = '';
      child.stdout.on('data', (d: Buffer) => (said += d.toString()));
      child.stderr.on('data', (d: Buffer) => (said += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lp exited ${code}: ${said}`))));
    });
  }

  async function auditRows(action: string): Promise<Array<{ details: Record<string, unknown> }>> {
    return (await world.broker.admin.get(`/api/v1/audit-events?action=${action}&order=desc&pageSize=20`)).body.items;
  }

  it('prints the receipt on the window printer (text and A4 intact), toasts 已送到窗口打印机 and audits the channel path; a disabled queue toasts 打印失败：缺纸', async () => {
    await submitLogin(page, clerk.username);
    await waitForDesktop(page);
    const port = await freePort();
    desk = await eventually(async () => DeskCompanion.start(username, port), { timeoutMs: 20_000, intervalMs: 200 });
    desktopCups = await startPrivateCups(DESK_QUEUE, { ...DESK_QUEUE_FILES, deviceUri: `yunzhuo://127.0.0.1:${port}` });

    await printInside('Receipt P-001 No.0042 channel');
    const toast = page.getByTestId('print-toast');
    await toast.waitFor({ timeout: 60_000 });
    assert.equal(await toast.getAttribute('data-kind'), 'printed');
    assert.equal((await toast.textContent())?.trim(), '已送到窗口打印机');
    const printed = await eventually(async () => (await auditRows('paper.printed'))[0] ?? null, { timeoutMs: 20_000 });
    assert.equal(printed?.details.via, 'channel');
    assert.equal(printed?.details.queue, cups.queue);
    const jobs = await eventually(async () => ((await cups.completedJobs()).length > 0 ? cups.completedJobs() : null), { timeoutMs: 30_000 });
    const facts = await pdfFacts(await cups.outputOf(jobs![0]!));
    assert.match(facts.text, /Receipt P-001 No\.0042 channel/);
    assert.equal(Math.round(facts.widthPt), 595);
    assert.equal(Math.round(facts.heightPt), 842);

    await toast.waitFor({ state: 'detached', timeout: 20_000 });
    await cups.disable('缺纸');
    try {
      await printInside('Receipt P-001 No.0043 no paper');
      const failed = page.getByTestId('print-toast');
      await failed.waitFor({ timeout: 60_000 });
      assert.equal(await failed.getAttribute('data-kind'), 'failed');
      assert.equal((await failed.textContent())?.trim(), '打印失败：缺纸');
      const row = await eventually(async () => (await auditRows('paper.print-failed'))[0] ?? null, { timeoutMs: 20_000 });
      assert.equal(row?.details.via, 'channel');
    } finally {
      await cups.enable();
    }
  });
});
