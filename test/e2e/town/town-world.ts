// A town desktop behind yunzhuo-connector, all real: the town is a network namespace joined to the
// county by a veth (test/helpers/town-netns.ts); xrdp + Xvnc run inside it (test/setup/town-xrdp.ts)
// on an address the county has no route to; the connector runs inside too, its uplink the veth.
// The county: two broker processes on one PostgreSQL database, guacd on loopback, Chromium at a
// county window. The WAN: `tc tbf` on both ends of the veth, and a delaying proxy (its own
// process) in front of each broker on the county end of the veth, which the brokers advertise to
// the connector. guacd reaches the desktop only through a broker's listener → a stream → the
// connector (docs/TOWNS.md). Shared by test/e2e/town-desktop.test.ts and bench:town.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ConnectorProcess, until } from '../../agent/connector/connector-harness.js';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium } from '../../console/harness.js';
import { ApiClient } from '../../helpers/api-client.js';
import { startBrokerProcess, type BrokerProcess } from '../../helpers/broker-process.js';
import type { DelaySettings } from '../../helpers/delay-proxy.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { ADMIN_PASSWORD } from '../../helpers/start-broker.js';
import { createPgDatabase } from '../../helpers/test-database.js';
import { TownNetns } from '../../helpers/town-netns.js';
import { guacdVersionOfRun, type Desktop } from '../../setup/real-stack.js';
import { startCountyGuacd, startTownXrdp, type TownXrdp } from '../../setup/town-xrdp.js';
import { VIEWPORT, submitLogin, waitForDesktop, type PageMarks } from '../window/window-world.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DELAY_PROXY = path.join(HERE, '../../helpers/delay-proxy.child.ts');
export const CLERK_PASSWORD = 'Clerk-pass-1';

export interface WanSettings extends DelaySettings {
  /** tc tbf rate on the town's uplink, each way */
  rate: string;
}

/** the WAN: 20 Mbit/s, 40 ms round trip with jitter */
export const TOWN_WAN: WanSettings = { rate: '20mbit', oneWayMs: 20, jitterMs: 5 };

/**
 * What the page records for typing echo: a key press leaving on the tunnel → the first drawing
 * instruction that comes back after it. `lastDrawAt` lets a measurement wait until the desktop is
 * quiet first, so a late frame of the previous key (xrdp sends an echo in more than one update)
 * is not taken for the next key's echo.
 */
const ECHO_PROBE = `(() => {
  const echo = { armed: false, sentAt: null, lastDrawAt: 0, samples: [] };
  globalThis.__yzEcho = echo;
  const Native = globalThis.WebSocket;
  const drawing = /(^|;)\\d+\\.(img|png|jpeg|copy|rect|cfill|blob),/;
  globalThis.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (!String(url).includes('/tunnel')) return;
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string' || !drawing.test(event.data)) return;
        echo.lastDrawAt = performance.now();
        if (echo.sentAt !== null) {
          echo.samples.push(echo.lastDrawAt - echo.sentAt);
          echo.sentAt = null;
        }
      });
    }
    send(data) {
      if (echo.armed && typeof data === 'string' && /(^|;)3\\.key,\\d+\\.\\d+,1\\.1;/.test(data)) {
        echo.armed = false;
        echo.sentAt = performance.now();
      }
      return super.send(data);
    }
  };
})();`;

/** the desktop drew nothing for this long before a key is measured, ms */
const QUIET_BEFORE_KEY_MS = 250;

export class TownWorld {
  connector: ConnectorProcess;
  page: Page | null = null;
  #context: BrowserContext | null = null;
  readonly pageErrors: string[] = [];

  private constructor(
    readonly town: TownNetns,
    readonly xrdp: TownXrdp,
    readonly brokers: [BrokerProcess, BrokerProcess],
    readonly admin: ApiClient,
    readonly browser: Browser,
    readonly ids: { countySiteId: string; townSiteId: string; poolId: string; clerk: { id: string; username: string }; terminalCredential: string },
    connector: ConnectorProcess,
    readonly connectorEnv: Record<string, string>,
    private readonly cleanups: Array<() => Promise<unknown> | unknown>,
  ) {
    this.connector = connector;
  }

  get desktop(): Desktop {
    return this.xrdp.desktop;
  }

  /**
   * Builds it all; anything started is stopped again if a later step fails. The clerk's window
   * talks to broker B while the connector was given only broker A: it learns B from A.
   */
  static async start(wan: WanSettings | null): Promise<TownWorld> {
    const cleanups: Array<() => Promise<unknown> | unknown> = [];
    const undo = async () => {
      for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    };
    try {
      ensureConsoleBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      const town = TownNetns.create();
      cleanups.push(() => town.destroy());
      const xrdp = await startTownXrdp(town);
      cleanups.push(() => xrdp.stop());
      const guacd = await startCountyGuacd(guacdVersionOfRun());
      cleanups.push(() => guacd.stop());

      const db = await createPgDatabase();
      cleanups.push(() => db.drop());
      const dataDir = mkdtempSync(path.join(tmpdir(), 'yz-town-brokers-'));
      const stateDir = mkdtempSync(path.join(tmpdir(), 'yz-town-connector-'));
      cleanups.push(
        () => rmSync(dataDir, { recursive: true, force: true }),
        () => rmSync(stateDir, { recursive: true, force: true }),
      );
      const env = {
        YUNZHUO_DATA_DIR: dataDir,
        YUNZHUO_DATABASE_URL: db.url,
        YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD,
        // each broker advertises the county end of the town's link, same port: the delaying proxy listens there
        YUNZHUO_CONNECTOR_URL: `http://${town.countyIp}:{port}`,
        YUNZHUO_LOG_LEVEL: process.env.YZ_BROKER_LOG_LEVEL ?? 'info',
      };
      const a = await startBrokerProcess(env, 60_000);
      cleanups.push(() => a.stop());
      const b = await startBrokerProcess(env, 60_000);
      cleanups.push(() => b.stop());
      const proxy = await startDelayProxies(
        [a, b].map((broker) => ({ listen: { host: town.countyIp, port: broker.port }, target: { host: '127.0.0.1', port: broker.port } })),
        wan ?? { oneWayMs: 0, jitterMs: 0 },
      );
      cleanups.push(() => proxy.kill('SIGKILL'));
      if (wan) town.shape(wan.rate);

      const admin = new ApiClient(a.url);
      await admin.login('admin', ADMIN_PASSWORD);
      const f = new Factory(admin);
      const county = await f.site({ kind: 'county', name: '桓台县政务服务中心' });
      const townSite = await f.site({ kind: 'town', name: '果里镇便民服务中心', parentId: county.id });
      const department = await f.department({ name: '不动产登记中心' });
      const gateway = await f.gateway({ siteId: county.id, host: guacd.endpoint.host, port: guacd.endpoint.port });
      const pool = await f.pool(department.id, townSite.id, [gateway.id], {
        name: '果里镇不动产桌面池',
        settings: { security: 'any', ignoreCert: true, viaConnector: true },
      });
      const d = xrdp.desktop;
      await f.desktop(pool.id, { name: '果里镇-01', host: d.host, port: d.port, rdpUsername: d.username, rdpPassword: d.password });
      const { terminal } = await f.windowWithTerminal(county.id, { code: 'B-021', departmentId: department.id });
      const clerk = await f.account({ departmentIds: [department.id], homeSiteId: county.id, displayName: '孙丽', password: CLERK_PASSWORD });

      const token = (await admin.post('/api/v1/join-tokens', { siteId: townSite.id })).body.token as string;
      const connectorEnv = {
        YUNZHUO_CONNECTOR_BROKER_URL: `http://${town.countyIp}:${a.port}`,
        YUNZHUO_CONNECTOR_STATE_DIR: stateDir,
        YUNZHUO_CONNECTOR_ALLOW: `${d.host}/32:${d.port}`,
        YUNZHUO_CONNECTOR_NAME: '果里镇连接器',
        // the production defaults (docs/TOWNS.md): what a town would see after a restart or a cut
        YUNZHUO_CONNECTOR_PING_MS: '10000',
        YUNZHUO_CONNECTOR_STATS_MS: '5000',
        YUNZHUO_CONNECTOR_BACKOFF_INITIAL_MS: '1000',
        YUNZHUO_CONNECTOR_BACKOFF_MAX_MS: '30000',
      };
      const connector = ConnectorProcess.start(town, { ...connectorEnv, YUNZHUO_CONNECTOR_JOIN_TOKEN: token });
      cleanups.push(() => connector.kill());
      const browser = await launchChromium();
      cleanups.push(() => browser.close());
      const world = new TownWorld(
        town,
        xrdp,
        [a, b],
        admin,
        browser,
        { countySiteId: county.id, townSiteId: townSite.id, poolId: pool.id, clerk, terminalCredential: terminal.credential },
        connector,
        connectorEnv,
        cleanups,
      );
      await world.linkedToBoth();
      return world;
    } catch (err) {
      await undo();
      throw err;
    }
  }

  /** Until the connector holds a link to each broker (it was told of A only). */
  async linkedToBoth(timeoutMs = 60_000): Promise<void> {
    await until(async () => {
      const rows = (await this.admin.get('/api/v1/connectors')).body.items as Array<{ state: string; linkedHere: boolean }>;
      assert.equal(rows.length, 1, this.connector.log);
      const linked = this.connector.lines().filter((l) => l.msg === 'linked to broker');
      const urls = new Set(linked.map((l) => l.url));
      assert.equal(urls.size, 2, `linked to ${[...urls].join(', ')}\n${this.connector.log.slice(-2000)}`);
    }, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.#context?.close().catch(() => undefined);
    for (const fn of this.cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  }

  /** The county window B-021's page, on broker B. */
  async openWindow(): Promise<Page> {
    this.#context = await this.browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await this.#context.addInitScript({ content: ECHO_PROBE });
    const page = await this.#context.newPage();
    page.on('pageerror', (err) => this.pageErrors.push(err.message));
    await page.goto(`${this.brokers[1].url}/terminal#credential=${this.ids.terminalCredential}`);
    await page.getByTestId('idle-screen').waitFor();
    this.page = page;
    return page;
  }

  async login(): Promise<PageMarks> {
    const page = this.page!;
    await submitLogin(page, this.ids.clerk.username, CLERK_PASSWORD);
    return waitForDesktop(page, 60_000);
  }

  /** Restarts the connector process (SIGTERM, as systemd does); resolves when the new one runs. */
  async restartConnector(): Promise<number> {
    this.connector.child.kill('SIGTERM');
    await this.connector.exited;
    const startedAt = performance.now();
    this.connector = ConnectorProcess.start(this.town, this.connectorEnv);
    this.cleanups.push(() => this.connector.kill());
    return startedAt;
  }

  /** One typing echo, ms: a key press on the page until the desktop's drawing of it comes back. */
  async typingEcho(key = 'x', timeoutMs = 10_000): Promise<number> {
    const page = this.page!;
    await page.waitForFunction(
      (quietMs) => performance.now() - (globalThis as unknown as { __yzEcho: { lastDrawAt: number } }).__yzEcho.lastDrawAt > quietMs,
      QUIET_BEFORE_KEY_MS,
      {
        timeout: timeoutMs,
      },
    );
    const before = await page.evaluate(() => (globalThis as unknown as { __yzEcho: { samples: number[]; armed: boolean } }).__yzEcho.samples.length);
    await page.evaluate(() => ((globalThis as unknown as { __yzEcho: { armed: boolean } }).__yzEcho.armed = true));
    await page.keyboard.press(key);
    await page.waitForFunction((n) => (globalThis as unknown as { __yzEcho: { samples: number[] } }).__yzEcho.samples.length > n, before, {
      timeout: timeoutMs,
    });
    return page.evaluate(() => (globalThis as unknown as { __yzEcho: { samples: number[] } }).__yzEcho.samples.at(-1)!);
  }

  async shot(name: string): Promise<void> {
    await this.page?.screenshot({ path: path.join(ARTIFACTS, `town-${name}.png`) });
  }
}

async function startDelayProxies(
  routes: Array<{ listen: { host: string; port: number }; target: { host: string; port: number } }>,
  settings: DelaySettings,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', DELAY_PROXY, JSON.stringify({ settings, routes })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await eventually(() => out.includes('ready') || child.exitCode !== null, { timeoutMs: 30_000 });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  if (!out.includes('ready')) throw new Error(`delay proxy did not start: ${out}`);
  return child;
}
