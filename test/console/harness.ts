import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { Factory } from '../helpers/factories.js';
import { ADMIN_PASSWORD, startTestBroker, type TestBroker } from '../helpers/start-broker.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONSOLE = path.join(ROOT, 'console');
export const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const st = statSync(target);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

/** Builds console/dist only when it is missing or older than its sources (a build takes ~5 s). */
export function ensureConsoleBuilt(): void {
  const built = newestMtime(path.join(CONSOLE, 'dist/index.html'));
  const sources = Math.max(
    ...['src', 'index.html', 'terminal.html', 'vite.config.ts', 'package.json'].map((p) => newestMtime(path.join(CONSOLE, p))),
    newestMtime(path.join(ROOT, 'protocol/src')),
  );
  if (built > sources) return;
  execFileSync('npm', ['run', 'build', '-w', 'console', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/**
 * The element's text, once it matches `pattern` (else the assertion fails showing the text it has).
 * A page fills names in from lists it loads beside the one it shows (a placeholder … until then),
 * and live updates land a moment after the change: text is waited for, never read at once.
 */
export async function textMatching(locator: Locator, pattern: RegExp, message?: string, timeoutMs = 10_000): Promise<string> {
  await locator
    .filter({ hasText: pattern })
    .first()
    .waitFor({ timeout: timeoutMs })
    .catch(() => undefined);
  const text = await locator.innerText();
  assert.match(text, pattern, message);
  return text;
}

/** A real broker (port 0, fresh SQLite) + Chromium, with helpers to sign in and take screenshots. */
export class ConsoleHarness {
  /** uncaught exceptions in any page, checked by the tests */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly broker: TestBroker,
    readonly browser: Browser,
    readonly factory: Factory,
  ) {}

  /** `env`: broker settings of the test (e.g. the TOTP policy) */
  static async start(opts: { env?: Record<string, string> } = {}): Promise<ConsoleHarness> {
    ensureConsoleBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    const broker = await startTestBroker(opts.env ? { env: opts.env } : {});
    const browser = await launchChromium();
    return new ConsoleHarness(broker, browser, new Factory(broker.admin));
  }

  get url(): string {
    return this.broker.url;
  }

  async newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.message}`));
    // the broker's Content-Security-Policy must allow everything the page really does
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) this.pageErrors.push(`${page.url()}: ${msg.text()}`);
    });
    return { context, page };
  }

  async login(page: Page, username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
    await page.goto(`${this.url}/console/`);
    await page.getByTestId('login-form').waitFor();
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.getByTestId('current-user').waitFor();
  }

  /** open a console route and wait for its page marker */
  async open(page: Page, route: string, testId: string): Promise<void> {
    await page.goto(`${this.url}/console${route}`);
    await page.getByTestId(testId).waitFor();
  }

  async shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.broker.stop();
  }
}
