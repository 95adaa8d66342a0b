// The window page against the real stack: an in-process broker, guacd 1.3 (behind a timing tap),
// xrdp + Xvnc desktops, Debian's Chromium. Shared by test/e2e/window.test.ts and the window bench.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium } from '../../console/harness.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { startRealStack, type Desktop, type GuacdVersion, type RealStack } from '../../setup/real-stack.js';
import { GuacdTap } from './guacd-tap.js';

export const CLERK_PASSWORD = 'Clerk-pass-1';
export const VIEWPORT = { width: 1280, height: 800 };

export interface WindowSeat {
  window: { id: string; code: string };
  terminal: { id: string; credential: string };
}

export interface Clerk {
  id: string;
  username: string;
}

/** performance.now() marks the page keeps for the current login (console/src/terminal/guac/timing-marks.ts) */
export interface PageMarks {
  loginAt: number | null;
  loginAnsweredAt: number | null;
  /** Server-Timing `auth` and `broker` of the login answer, ms */
  authMs: number | null;
  brokerMs: number | null;
  sessionId: string | null;
  reconnected: boolean | null;
  tunnelOpenAt: number | null;
  firstFrameAt: number | null;
}

export interface DesktopPixels {
  width: number;
  height: number;
  /** share of sampled pixels within a few levels of the xterm's background #1d4e89 */
  backgroundShare: number;
  /** bright (text) pixels per band of 16 rows over the top quarter of the screen */
  textBands: number[];
}

/** Everything a window test needs, built through the admin API like an IT admin would. */
export class WindowWorld {
  /** performance.now() of each `/tunnel` upgrade the broker received */
  readonly tunnelUpgrades: number[] = [];
  readonly pageErrors: string[] = [];
  readonly #tunnelSockets = new Set<Duplex>();

  private constructor(
    readonly stack: RealStack,
    readonly tap: GuacdTap,
    readonly broker: TestBroker,
    readonly browser: Browser,
    readonly factory: Factory,
  ) {
    broker.server.prependListener('upgrade', (req, socket: Duplex) => {
      if (!(req.url ?? '').startsWith('/tunnel')) return;
      this.tunnelUpgrades.push(performance.now());
      this.#tunnelSockets.add(socket);
      socket.once('close', () => this.#tunnelSockets.delete(socket));
    });
  }

  /** `desktops`: how many quiet desktop accounts the stack must have (the suite uses the last ones). */
  /** `guacd`: the version to run against (default: YZ_GUACD's, see real-stack.ts) */
  /** `env`: broker settings of the suite (e.g. the queue system's URL) */
  static async start(desktops: number, guacd?: GuacdVersion, env: Record<string, string> = {}): Promise<WindowWorld> {
    ensureConsoleBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    const stack = await startRealStack({ desktops, ...(guacd ? { guacd } : {}) });
    const tap = await GuacdTap.start(stack.guacd);
    // YZ_BROKER_LOG_LEVEL=info shows the relay's decisions when a run is slow or fails
    const logLevel = process.env.YZ_BROKER_LOG_LEVEL;
    const broker = await startTestBroker({ env: { ...env, ...(logLevel ? { YUNZHUO_LOG_LEVEL: logLevel } : {}) } });
    const browser = await launchChromium();
    return new WindowWorld(stack, tap, broker, browser, new Factory(broker.admin));
  }

  get url(): string {
    return this.broker.url;
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.broker.stop();
    await this.tap.close();
    await this.stack.stop();
  }

  /** Cuts the browsers' tunnel connections without a close handshake: the thin client's network blinked. */
  cutBrowserTunnels(): number {
    const n = this.#tunnelSockets.size;
    for (const socket of this.#tunnelSockets) socket.destroy();
    return n;
  }

  /** A gateway that reaches guacd through the tap. */
  gateway(siteId: string) {
    return this.factory.gateway({ siteId, host: '127.0.0.1', port: this.tap.port });
  }

  /** A floating pool whose desktops are the given real xrdp accounts. */
  async pool(departmentId: string, siteId: string, gatewayId: string, desktops: Desktop[], overrides: Record<string, unknown> = {}) {
    const pool = await this.factory.pool(departmentId, siteId, [gatewayId], { settings: { security: 'any', ignoreCert: true }, ...overrides });
    for (const d of desktops) {
      await this.factory.desktop(pool.id, { name: d.username, host: d.host, port: d.port, rdpUsername: d.username, rdpPassword: d.password });
    }
    return pool;
  }

  async seat(siteId: string, code: string, departmentId: string | null): Promise<WindowSeat> {
    const { window, terminal } = await this.factory.windowWithTerminal(siteId, { code, departmentId });
    return { window, terminal };
  }

  async clerk(departmentIds: string[], homeSiteId: string, displayName: string): Promise<Clerk> {
    return this.factory.account({ departmentIds, homeSiteId, displayName, password: CLERK_PASSWORD });
  }

  async openWindow(seat: WindowSeat): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.on('pageerror', (err) => this.pageErrors.push(`${seat.window.code}: ${err.message}`));
    // the broker's Content-Security-Policy must allow everything the page really does
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) this.pageErrors.push(`${seat.window.code}: ${msg.text()}`);
    });
    await page.goto(`${this.url}/terminal#credential=${seat.terminal.credential}`);
    await page.getByTestId('idle-screen').waitFor();
    return { context, page };
  }

  async shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `window-${name}.png`) });
  }
}

/** Types account + password and clicks 登录 (the click is where login-to-first-frame starts). */
export async function submitLogin(page: Page, username: string, password = CLERK_PASSWORD): Promise<void> {
  await page.fill('[data-testid=login-form] input[name=username]', username);
  await page.fill('[data-testid=login-form] input[name=password]', password);
  await page.click('[data-testid=login-submit]');
}

/** Waits until the desktop of the login just submitted has drawn its first frame; returns the page's marks. */
export async function waitForDesktop(page: Page, timeoutMs = 30_000): Promise<PageMarks> {
  await page.waitForFunction(() => (globalThis as unknown as { __yzMarks?: PageMarks }).__yzMarks?.firstFrameAt != null, undefined, { timeout: timeoutMs });
  const marks = await page.evaluate(() => ({ ...(globalThis as unknown as { __yzMarks: PageMarks }).__yzMarks }));
  await waitForLive(page, timeoutMs, marks.sessionId);
  return marks;
}

/** Waits until the desktop on screen (optionally: of this session) is live. */
export async function waitForLive(page: Page, timeoutMs = 30_000, sessionId: string | null = null): Promise<void> {
  const session = sessionId ? `[data-session-id="${sessionId}"]` : '';
  await page.locator(`[data-testid=desktop-view]:not(.desktop-view-hidden)[data-phase=live]${session}`).waitFor({ timeout: timeoutMs });
}

/** the few DOM shapes read in the page (this project's Node tsconfig has no DOM library) */
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

/** Reads the largest canvas of the desktop on screen (Guacamole's default layer). */
export function desktopPixels(page: Page): Promise<DesktopPixels> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<PageCanvas> } }).document;
    const canvases = [...doc.querySelectorAll('[data-testid=desktop-view]:not(.desktop-view-hidden) canvas')];
    const canvas = canvases.sort((a, b) => b.width * b.height - a.width * a.height)[0];
    if (!canvas || canvas.width === 0) return { width: 0, height: 0, backgroundShare: 0, textBands: [] };
    const { width, height } = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let sampled = 0;
    let background = 0;
    for (let y = 0; y < height; y += 4) {
      for (let x = 0; x < width; x += 4) {
        const i = (y * width + x) * 4;
        sampled++;
        if (Math.abs(data[i]! - 0x1d) < 12 && Math.abs(data[i + 1]! - 0x4e) < 12 && Math.abs(data[i + 2]! - 0x89) < 12) background++;
      }
    }
    const textBands: number[] = [];
    for (let band = 0; band < Math.floor(height / 4 / 16); band++) {
      let bright = 0;
      for (let y = band * 16; y < band * 16 + 16; y++) {
        for (let x = 0; x < width; x++) {
          const i = (y * width + x) * 4;
          if (data[i]! > 200 && data[i + 1]! > 200 && data[i + 2]! > 200) bright++;
        }
      }
      textBands.push(bright);
    }
    return { width, height, backgroundShare: background / sampled, textBands };
  });
}

/** After a test: the page threw nothing, and it is back at the idle login for the next clerk. */
export async function expectCleanAndIdle(world: WindowWorld, page: Page): Promise<void> {
  assert.deepEqual(world.pageErrors.splice(0), [], 'no uncaught errors in the page');
  if (await page.getByTestId('disconnect').isVisible()) {
    await page.getByTestId('disconnect').click();
    await page.getByTestId('idle-screen').waitFor();
  }
}
