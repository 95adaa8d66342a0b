// The window page's clipboard on the REAL stack (Chromium → broker → guacd 1.3 → xrdp, whose
// xrdp-chansrv holds the desktop's X CLIPBOARD): text passes between the page's side (the thin
// client's clipboard, which the kiosk lets the page read and write) and the desktop only in the
// directions the pool's clipboard policy allows.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/eventually.js';
import { DesktopClipboard } from '../setup/desktop-clipboard.js';
import type { Desktop } from '../setup/real-stack.js';
import { WindowWorld, expectCleanAndIdle, submitLogin, waitForDesktop, type Clerk } from './window/window-world.js';

/** desktop accounts yzdesk13..15: apart from the window suite (5–7) and the window bench (8–12) */
const FIRST_DESKTOP = 13;
const POLICIES = ['both', 'to-desktop', 'from-desktop'] as const;
type Policy = (typeof POLICIES)[number];
/** how long an allowed transfer may take, ms (it takes well under a second here; the figures are printed) */
const ARRIVES_WITHIN_MS = 10_000;
/**
 * How long a forbidden direction is watched for text that must not arrive, ms: many times an
 * allowed transfer. The same session's allowed direction has shown that its clipboard channel works.
 */
const FORBIDDEN_WATCH_MS = 3_000;

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

/** Watches `read` for FORBIDDEN_WATCH_MS: `unwanted` must never show up. */
async function neverArrives(read: () => Promise<string | null>, unwanted: string, what: string): Promise<void> {
  const until = performance.now() + FORBIDDEN_WATCH_MS;
  while (performance.now() < until) {
    assert.notEqual(await read(), unwanted, what);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('window page clipboard (Chromium, real guacd + xrdp-chansrv)', function () {
  this.timeout(120_000);
  let world: WindowWorld;
  let page: Page;
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

  it("both ways: the page's text reaches the desktop's CLIPBOARD, text copied on the desktop reaches the page, and text copied elsewhere follows when the page gets focus back; both directions again after 断开, on the rejoined connection", async () => {
    const pageText = `${marker} 页面→桌面 税务 both`;
    const desktop = await loginWithPageText('both', pageText);
    figures.to_desktop_after_login = await arrival(() => desktop.read(), pageText);

    const desktopText = `${marker} 桌面→页面 不动产 both`;
    await desktop.write(desktopText);
    figures.from_desktop = await arrival(() => pageClipboardText(page), desktopText);

    // the clerk copies in another program of the thin client, then comes back to the page
    const laterText = `${marker} 回到页面后 身份证号 both`;
    await setPageClipboard(page, laterText);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.notEqual(await desktop.read(), laterText, 'nothing sent it before the page got focus back');
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
    const desktop = await loginWithPageText('to-desktop', pageText);
    figures.to_desktop_only = await arrival(() => desktop.read(), pageText);

    const desktopText = `${marker} 桌面→页面 to-desktop`;
    // the page's reader works: it sees the text the page holds
    assert.equal(await pageClipboardText(page), pageText, "the page's clipboard is read");
    await desktop.write(desktopText);
    await neverArrives(() => pageClipboardText(page), desktopText, "the desktop's text reached the page");
    assert.equal(await pageClipboardText(page), pageText, "the page's clipboard kept its own text");
  });

  it("from the desktop only: the page's text never reaches the desktop, the desktop's arrives", async () => {
    const pageText = `${marker} 页面→桌面 from-desktop`;
    const desktop = await loginWithPageText('from-desktop', pageText);
    // the desktop's reader works, so that reading nothing there means nothing arrived
    await desktop.proveReadable();
    await neverArrives(() => desktop.read(), pageText, "the page's text reached the desktop");

    const desktopText = `${marker} 桌面→页面 from-desktop`;
    await desktop.write(desktopText);
    figures.from_desktop_only = await arrival(() => pageClipboardText(page), desktopText);
  });
});
