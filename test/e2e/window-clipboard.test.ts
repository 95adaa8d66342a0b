// The window page's clipboard on the REAL stack (Chromium → broker → guacd 1.3 → xrdp, whose
// xrdp-chansrv holds the desktop's X CLIPBOARD): text passes between the page's side (the thin
// client's clipboard, which the kiosk lets the page read and write) and the desktop only in the
// directions the pool's clipboard policy allows. A forbidden direction is shown closed by
// barriers, never by watching a while: each tunnel is one ordered stream (tunnel-frames.ts).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.js';
import { DesktopClipboard } from '../setup/desktop-clipboard.js';
import { openDesktopNote } from '../setup/desktop-note.js';
import type { Desktop } from '../setup/real-stack.js';
import { TunnelFrames } from './window/tunnel-frames.js';
import { WindowWorld, expectCleanAndIdle, submitLogin, waitForDesktop, type Clerk } from './window/window-world.js';

/** desktop accounts yzdesk13..15: apart from the window suite (5–7) and the window bench (8–12) */
const FIRST_DESKTOP = 13;
const POLICIES = ['both', 'to-desktop', 'from-desktop'] as const;
type Policy = (typeof POLICIES)[number];
/** how long an allowed transfer may take, ms (it takes well under a second here; the figures are printed) */
const ARRIVES_WITHIN_MS = 10_000;
/** guacd's clock: its `sync` timestamps are CLOCK_MONOTONIC milliseconds, as is Node's hrtime */
const monotonicMs = () => Number(process.hrtime.bigint() / 1_000_000n);

/** the page's side: navigator.clipboard, as the kiosk grants it (this project's Node tsconfig has no DOM library) */
type PageClipboard = { readText(): Promise<string>; writeText(text: string): Promise<void> };

function pageClipboardText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: PageClipboard } }).navigator.clipboard.readText());
}

function setPageClipboard(page: Page, text: string): Promise<void> {
  return page.evaluate((t) => (globalThis as unknown as { navigator: { clipboard: PageClipboard } }).navigator.clipboard.writeText(t), text);
}

/** ms until `read` returns `wanted` */
async function arrival(read: () => Promise<string | null>, wanted: string): Promise<number> {
  const start = performance.now();
  await eventually(async () => (await read()) === wanted, { timeoutMs: ARRIVES_WITHIN_MS, intervalMs: 50 });
  return Math.round(performance.now() - start);
}

describe('window page clipboard (Chromium, real guacd + xrdp-chansrv)', function () {
  this.timeout(120_000);
  let world: WindowWorld;
  let page: Page;
  let frames: TunnelFrames;
  const clerks = new Map<Policy, { clerk: Clerk; desktop: Desktop }>();
  const desktopClipboards: DesktopClipboard[] = [];
  const figures: Record<string, number> = {};
  const marker = `yz${Date.now().toString(36)}`;

  before(async function () {
    this.timeout(240_000);
    world = await WindowWorld.start(FIRST_DESKTOP + POLICIES.length - 1);
    const site = await world.factory.site({ name: '桓台县政务服务中心', kind: 'county' });
    const gateway = await world.gateway(site.id);
    for (const [i, clipboard] of POLICIES.entries()) {
      const desktop = world.stack.desktops[FIRST_DESKTOP - 1 + i]!;
      const department = await world.factory.department({ name: `剪贴板-${clipboard}` });
      await world.pool(department.id, site.id, gateway.id, [desktop], { settings: { security: 'any', ignoreCert: true, clipboard } });
      clerks.set(clipboard, { clerk: await world.clerk([department.id], site.id, `剪贴板 ${clipboard}`), desktop });
    }
    const opened = await world.openWindow(await world.seat(site.id, 'C-001', null));
    await opened.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.url });
    page = opened.page;
    frames = TunnelFrames.watch(page);
  });

  after(async function () {
    this.timeout(60_000);
    for (const clipboard of desktopClipboards) clipboard.close();
    if (Object.keys(figures).length > 0) console.log(`      clipboard transfers (ms): ${JSON.stringify(figures)}`);
    await world?.stop();
  });

  afterEach(async function () {
    await expectCleanAndIdle(world, page);
  });

  /** Puts `text` on the page's clipboard, logs the clerk of `policy`'s pool in and returns its desktop's clipboard. */
  async function loginWithPageText(policy: Policy, text: string): Promise<DesktopClipboard> {
    const { clerk, desktop } = clerks.get(policy)!;
    await setPageClipboard(page, text);
    await submitLogin(page, clerk.username);
    await waitForDesktop(page);
    // the first frame may still be xrdp's own screen: the session's X server comes up just after
    const clipboard = await eventually(() => DesktopClipboard.of(desktop.username), { timeoutMs: 20_000, intervalMs: 100 }).catch(async (error: unknown) => {
      await world.shot(page, `clipboard-${policy}-no-desktop`);
      throw error;
    });
    desktopClipboards.push(clipboard);
    return clipboard;
  }

  /**
   * Resolves once the page has sent guacd every instruction it had sent before this call: a mouse
   * move is made, and the tunnel's frames are read until it has gone out (one ordered socket).
   */
  async function pageSentAllSoFar(): Promise<void> {
    const mark = frames.mark('sent');
    await page.mouse.move(300 + (mark % 50), 300);
    await frames.next('sent', mark, ([opcode]) => opcode === 'mouse');
  }

  /**
   * Resolves once the page has received every instruction guacd wrote to it before this call: the
   * desktop's screen is changed, and the tunnel's frames are read until a frame guacd ended after
   * this call has come (its `sync` timestamp is later; one ordered socket from guacd to the page).
   */
  async function pageReceivedAllSoFar(username: string): Promise<void> {
    const after = monotonicMs();
    const mark = frames.mark('received');
    const close = await openDesktopNote(username, `yunzhuo ${after}`);
    try {
      await frames.next('received', mark, ([opcode, timestamp]) => opcode === 'sync' && Number(timestamp) > after);
    } finally {
      close();
    }
  }

  it("both ways: the page's text reaches the desktop's CLIPBOARD, text copied on the desktop reaches the page, and text copied elsewhere follows when the page gets focus back; both directions again after 断开, on the rejoined connection", async () => {
    const pageText = `${marker} 页面→桌面 税务 both`;
    const desktop = await loginWithPageText('both', pageText);
    figures.to_desktop_after_login = await arrival(() => desktop.read(), pageText);

    const desktopText = `${marker} 桌面→页面 不动产 both`;
    await desktop.write(desktopText);
    figures.from_desktop = await arrival(() => pageClipboardText(page), desktopText);

    // the clerk copies in another program of the thin client, then comes back to the page
    const laterText = `${marker} 回到页面后 身份证号 both`;
    const beforeFocus = frames.mark('sent');
    await setPageClipboard(page, laterText);
    await pageSentAllSoFar();
    assert.deepEqual(frames.since('sent', beforeFocus, 'clipboard'), [], 'nothing sent it before the page got focus back');
    assert.notEqual(await desktop.read(), laterText, 'the desktop does not have it before the page got focus back');
    await page.evaluate('window.dispatchEvent(new Event("focus"))');
    figures.to_desktop_on_focus = await arrival(() => desktop.read(), laterText);

    // 断开 and back: the new login joins the guacd connection the broker parked (as the relay also
    // does when guacd 1.3 loses a new connection's screen size); its owner has left, and the
    // clipboard still works both ways on it
    await page.getByTestId('disconnect').click();
    await page.getByTestId('idle-screen').waitFor();
    const rejoinText = `${marker} 重新登录后 页面→桌面 both`;
    await setPageClipboard(page, rejoinText);
    await submitLogin(page, clerks.get('both')!.clerk.username);
    await waitForDesktop(page);
    figures.to_desktop_after_join = await arrival(() => desktop.read(), rejoinText);
    const desktopAfterJoin = `${marker} 重新登录后 桌面→页面 both`;
    await desktop.write(desktopAfterJoin);
    figures.from_desktop_after_join = await arrival(() => pageClipboardText(page), desktopAfterJoin);
  });

  it("to the desktop only: the page's text arrives, the desktop's never reaches the page", async () => {
    const pageText = `${marker} 页面→桌面 to-desktop`;
    const received = frames.mark('received');
    const desktop = await loginWithPageText('to-desktop', pageText);
    figures.to_desktop_only = await arrival(() => desktop.read(), pageText);

    const desktopText = `${marker} 桌面→页面 to-desktop`;
    const held = await desktop.write(desktopText);
    // guacd asked for the desktop's text: xrdp-chansrv took it from the desktop's program for guacd
    await held.taken();
    // guacd handles the desktop's clipboard messages in the order they come, so once text the page
    // gives afterwards is read on the desktop, guacd has handled the answer with the desktop's text
    // (and written whatever it would write to the page)
    const laterText = `${marker} 页面→桌面 之后 to-desktop`;
    await setPageClipboard(page, laterText);
    await page.evaluate('window.dispatchEvent(new Event("focus"))');
    await arrival(() => desktop.read(), laterText);
    await pageReceivedAllSoFar(clerks.get('to-desktop')!.desktop.username);

    assert.deepEqual(frames.since('received', received, 'clipboard'), [], 'guacd sent the page clipboard text');
    assert.equal(await pageClipboardText(page), laterText, "the page's clipboard kept its own text");
  });

  it("from the desktop only: the page's text never reaches the desktop, the desktop's arrives", async () => {
    const pageText = `${marker} 页面→桌面 from-desktop`;
    const sent = frames.mark('sent');
    const desktop = await loginWithPageText('from-desktop', pageText);
    // the page offers its text when the desktop is live and when it gets focus back; a mouse move
    // after both has gone out after anything they sent
    await page.evaluate('window.dispatchEvent(new Event("focus"))');
    await pageSentAllSoFar();
    // the page is the desktop's only way to the text: it never sent it
    assert.deepEqual(frames.since('sent', sent, 'clipboard'), [], 'the page sent guacd its clipboard text');

    // nothing has come through the clipboard channel yet to show it is up before the desktop copies
    await desktop.carried();
    const desktopText = `${marker} 桌面→页面 from-desktop`;
    await desktop.write(desktopText);
    figures.from_desktop_only = await arrival(() => pageClipboardText(page), desktopText);
  });
});
