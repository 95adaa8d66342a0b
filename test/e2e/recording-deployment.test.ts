// Issue 17 item 2: recording in the README's plain deployment. The production bundle (what
// `npm start` runs, broker/dist/main.js) with its default data directory, guacd as a separate
// process (1.3 and 1.6) writing where the broker reads, a real xrdp desktop, and the console in
// Chromium playing the recording back with guacamole-common-js's SessionRecording. Then guacd as
// Debian's package runs it (its own user `guacd`): a recording root it may not write names that
// cause on the 回放 page and offers no 回放; the documented group-shared directory records again.
// Screenshots: test/e2e/artifacts/recording-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encodeInstruction } from '@yunzhuo/protocol';
import { TunnelClient } from '../broker/tunnel/tunnel-test-kit.js';
import { ARTIFACTS, ensureConsoleBuilt, launchChromium } from '../console/harness.js';
import { ApiClient } from '../helpers/api-client.js';
import { BUILT_BROKER, startBrokerProcess, type BrokerProcess } from '../helpers/broker-process.js';
import { eventually } from '../helpers/eventually.js';
import { Factory } from '../helpers/factories.js';
import { freePort, logTail, startDaemon, stopDaemon, type Daemon } from '../setup/processes.js';
import { GUACD_BINARIES, startRealStack, type Endpoint, type RealStack } from '../setup/real-stack.js';

const ADMIN_PASSWORD = 'Deploy-admin-2026';
const PASS = 'clerk-pass-1';

type PageWindow = { document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null } };
const PLAYED_HALF_A_SECOND = () =>
  Number((globalThis as unknown as PageWindow).document.querySelector('[data-testid=recording-player]')?.getAttribute('data-position')) > 500;

interface Deployment {
  broker: BrokerProcess;
  admin: ApiClient;
  dataDir: string;
}

/** `npm start` on a fresh checkout: the bundle, its own ./data (no recordings folder yet) */
async function startDeployment(env: Record<string, string> = {}): Promise<Deployment> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'yz-deploy-'));
  const broker = await startBrokerProcess({ YUNZHUO_DATA_DIR: dataDir, YUNZHUO_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env }, 30_000, { built: true });
  const admin = new ApiClient(broker.url);
  assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
  return { broker, admin, dataDir };
}

/** Milliseconds between a recording's first and last frame, read off its sync timestamps. */
function recordedSpanMs(recording: string): number {
  const stamps = [...recording.matchAll(/4\.sync,\d+\.(\d+)[,;]/g)].map((m) => Number(m[1]));
  return stamps.length < 2 ? 0 : stamps[stamps.length - 1]! - stamps[0]!;
}

/**
 * A clerk works on the real desktop through the broker for two seconds of typing, then logs off.
 * `writes`: guacd can write the recording (false: its directory is closed to guacd).
 */
async function recordedSession(d: Deployment, stack: RealStack, guacd: Endpoint, writes = true): Promise<string> {
  const f = new Factory(d.admin);
  const site = await f.site();
  const department = await f.department();
  const gateway = await f.gateway({ siteId: site.id, host: guacd.host, port: guacd.port });
  const pool = await f.pool(department.id, site.id, [gateway.id], {
    settings: { security: 'any', ignoreCert: true, width: 1024, height: 768, recording: true },
  });
  const desk = stack.desktops[0]!;
  await f.desktop(pool.id, { host: desk.host, port: desk.port, rdpUsername: desk.username, rdpPassword: desk.password });
  const clerk = await f.account({ departmentIds: [department.id] });
  const seat = await f.windowWithTerminal(site.id);
  const login = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: PASS });
  assert.equal(login.status, 201, JSON.stringify(login.body));
  const tunnel = TunnelClient.open(
    `${d.broker.url.replace('http', 'ws')}/tunnel`,
    `token=${encodeURIComponent(login.body.tunnel.token)}&width=1024&height=768&dpi=96`,
  );
  tunnel.ws.on('message', (data: Buffer) => {
    for (const m of data.toString().matchAll(/4\.sync,(\d+)\.(\d+)[,;]/g)) tunnel.send(encodeInstruction('sync', m[2]!));
  });
  const first = await tunnel.waitFor((i) => i.opcode === 'sync', 30_000);
  // type into the desktop’s xterm for two seconds: the recording has a timeline. Where guacd
  // writes, the two seconds are read off the recording, not the tunnel: guacd 1.6 starts the file at
  // its first drawn frame, 0.9–1.1 s after the first sync the client sees on a busy machine
  const typing = setInterval(() => {
    tunnel.send(encodeInstruction('key', '120', '1') + encodeInstruction('key', '120', '0'));
  }, 200);
  try {
    if (writes) {
      await eventually(
        async () => {
          const res = await d.admin.get(`/api/v1/sessions/${login.body.session.id}/recording`);
          return res.status === 200 && recordedSpanMs(res.body) >= 2000;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    } else await tunnel.waitFor((i) => i.opcode === 'sync' && Number(i.args[0]) - Number(first.args[0]) >= 2000, 30_000);
  } finally {
    clearInterval(typing);
  }
  assert.equal((await seat.client.post(`/api/v1/terminal/sessions/${login.body.session.id}/logoff`)).status, 200);
  tunnel.ws.close();
  return login.body.session.id as string;
}

async function signedInPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${url}/console/`);
  await page.getByTestId('login-form').waitFor();
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', ADMIN_PASSWORD);
  await page.click('button[type=submit]');
  await page.getByTestId('current-user').waitFor();
  return { page, errors };
}

/** 会话 → 历史记录 offers 回放 for the session, and the page plays it in the player */
async function playsBack(browser: Browser, d: Deployment, sessionId: string, shot: string): Promise<void> {
  const { page, errors } = await signedInPage(browser, d.broker.url);
  await page.goto(`${d.broker.url}/console/sessions?tab=history`);
  await page.getByTestId('page-sessions').waitFor();
  await page.locator(`a[href$="/sessions/${sessionId}/recording"]`).click();
  await page.getByTestId('page-recording').waitFor();
  await page.waitForSelector('[data-testid=recording-player][data-loaded=true]', { timeout: 30_000 });
  await page.locator('.player-screen canvas').first().waitFor();
  await page.getByTestId('player-toggle').click();
  await page.waitForFunction(PLAYED_HALF_A_SECOND, undefined, { timeout: 20_000 });
  await page.screenshot({ path: path.join(ARTIFACTS, `recording-${shot}.png`), fullPage: true });
  assert.deepEqual(errors, []);
  await page.context().close();
}

describe('recording in the README deployment: npm start bundle + guacd as its own process (issue 17)', function () {
  this.timeout(300_000);
  let stack: RealStack;
  let stack16: RealStack | undefined;
  let browser: Browser;
  const deployments: Deployment[] = [];
  const scratch: string[] = [];

  before(async () => {
    ensureConsoleBuilt();
    execFileSync('npm', ['run', 'build:broker', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startRealStack({ desktops: 1, guacd: '1.3' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const d of deployments) {
      await d.broker.stop();
      rmSync(d.dataDir, { recursive: true, force: true });
    }
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    await stack16?.stop();
    await stack?.stop();
  });

  for (const version of ['1.3', '1.6'] as const) {
    it(`guacd ${version}: the default ./data/recordings is made, the session records, 回放 plays it`, async () => {
      if (version === '1.6') stack16 = await startRealStack({ desktops: 1, guacd: '1.6' });
      const guacd = (version === '1.3' ? stack : stack16!).guacd;
      const d = await startDeployment();
      deployments.push(d);
      assert.match(BUILT_BROKER, /broker\/dist\/main\.js$/);
      const sessionId = await recordedSession(d, stack, guacd);
      const session = (await d.admin.get(`/api/v1/sessions/${sessionId}`)).body;
      assert.equal(session.recordingProblem, null, JSON.stringify(session.recordingProblem));
      assert.equal(session.hasRecording, true);
      const parts = await eventually(async () => {
        const res = await d.admin.get(`/api/v1/sessions/${sessionId}/recordings`);
        return res.body.items.length > 0 && res.body.items[0].size > 1000 ? res.body.items : null;
      });
      assert.equal(parts[0].index, 0);
      await playsBack(browser, d, sessionId, `guacd-${version}`);
    });
  }

  describe('guacd as its own user (Debian’s guacd.service: User=guacd)', () => {
    let guacd: Endpoint;
    let daemon: Daemon;
    before(async () => {
      guacd = { host: '127.0.0.1', port: await freePort() };
      const work = mkdtempSync(path.join(tmpdir(), 'yz-guacd-user-'));
      scratch.push(work);
      execFileSync('chmod', ['0755', work]);
      // the unit's RuntimeDirectory, its user's home: FreeRDP keeps its known hosts there
      const home = path.join(work, 'home');
      execFileSync('install', ['-d', '-o', 'guacd', '-g', 'guacd', '-m', '0750', home]);
      daemon = startDaemon(
        'guacd-as-guacd',
        '/usr/sbin/runuser',
        ['-u', 'guacd', '--', '/usr/bin/env', `HOME=${home}`, GUACD_BINARIES['1.3'], '-f', '-b', guacd.host, '-l', String(guacd.port), '-L', 'info'],
        path.join(work, 'guacd.out'),
      );
      await eventually(async () => {
        return new Promise<boolean>((resolve) => {
          const s = net.connect(guacd.port, guacd.host, () => resolve(!!s.end()));
          s.on('error', () => resolve(false));
        });
      });
    });
    afterEach(function () {
      if (this.currentTest?.state === 'failed' && daemon) process.stderr.write(`guacd (as guacd) said:\n${logTail(daemon, 40)}\n`);
    });
    after(async () => {
      if (daemon) await stopDaemon(daemon);
    });

    it('a recording directory guacd may not write: the session says so, the 回放 page names the cause, no 回放 link', async () => {
      const d = await startDeployment();
      deployments.push(d);
      const sessionId = await recordedSession(d, stack, guacd, false);
      const session = (await d.admin.get(`/api/v1/sessions/${sessionId}`)).body;
      assert.equal(session.hasRecording, false);
      assert.equal(session.recordingProblem?.code, 'not-written');
      assert.equal(session.recordingProblem?.directory, path.join(d.dataDir, 'recordings', session.siteId));

      const { page, errors } = await signedInPage(browser, d.broker.url);
      await page.goto(`${d.broker.url}/console/sessions?tab=history`);
      await page.getByTestId('page-sessions').waitFor();
      await page.locator('table tbody tr').first().waitFor();
      assert.equal(await page.locator(`a[href$="/sessions/${sessionId}/recording"]`).count(), 0, 'no 回放 for a session without a recording');
      await page.goto(`${d.broker.url}/console/sessions/${sessionId}/recording`);
      const cause = page.getByTestId('recording-problem');
      await cause.waitFor();
      assert.match(await cause.innerText(), /guacd 没有在录像目录 .*recordings.* 写出录像文件/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'recording-not-written.png'), fullPage: true });
      assert.deepEqual(errors, []);
      await page.context().close();
    });

    it('the documented set-up (a recording root of group guacd, setgid): guacd writes, 回放 plays', async () => {
      const base = mkdtempSync(path.join(tmpdir(), 'yz-recroot-'));
      scratch.push(base);
      execFileSync('chmod', ['0755', base]);
      const root = path.join(base, 'recordings');
      execFileSync('install', ['-d', '-g', 'guacd', '-m', '2770', root]);
      const d = await startDeployment({ YUNZHUO_RECORDING_DIR: root });
      deployments.push(d);
      const sessionId = await recordedSession(d, stack, guacd);
      const session = (await d.admin.get(`/api/v1/sessions/${sessionId}`)).body;
      assert.equal(session.recordingProblem, null, JSON.stringify(session.recordingProblem));
      assert.equal(session.hasRecording, true);
      await playsBack(browser, d, sessionId, 'guacd-user');
    });
  });
});
