// The guacd users run (the current guacamole/guacd image, 1.6.0; 1.5.5 for a smoke test), built
// from shared/vendor by test/setup/install-deps.sh, behind our relay: a stock client page leaves
// normally, 1.6's early sync never reads as 1.3's lost size, and health probes leave guacd's log
// clean. The rest of the e2e suite runs on 1.6 too (`npm test` runs it with YZ_GUACD=1.6).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { encodeInstruction } from '@yunzhuo/protocol';
import { tcpProber } from '../../broker/src/lifecycle/health/probes.js';
import { TunnelClient } from '../broker/tunnel/tunnel-test-kit.js';
import { launchChromium } from '../console/harness.js';
import { eventually } from '../helpers/eventually.js';
import { Factory } from '../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../helpers/start-broker.js';
import { guacdLog, startRealStack, type Endpoint, type RealStack } from '../setup/real-stack.js';

const PASS = 'clerk-pass-1';
// the package exports only its entry points: find the ESM build beside the CommonJS one
const GUACAMOLE_ESM = path.resolve(path.dirname(createRequire(import.meta.url).resolve('guacamole-common-js')), '../esm/guacamole-common.js');

/** guacamole-common-js as any integrator uses it: the npm package's Client + WebSocketTunnel, nothing of ours. */
const STOCK_PAGE = `<!doctype html><meta charset="utf-8"><div id="display"></div>
<script type="module">
import Guacamole from '/stock/guacamole-common.js';
const tunnel = new Guacamole.WebSocketTunnel('ws://' + location.host + '/tunnel');
const client = new Guacamole.Client(tunnel);
document.getElementById('display').appendChild(client.getDisplay().getElement());
window.stock = { client, errors: [] };
client.onerror = (status) => window.stock.errors.push(status.code + ' ' + status.message);
client.connect(location.hash.slice(1));
</script>`;

interface StockWindow {
  stock: {
    client: {
      getDisplay(): {
        getWidth(): number;
        getDefaultLayer(): {
          getCanvas(): { getContext(kind: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        };
      };
      disconnect(): void;
    };
    errors: string[];
  };
}

describe('guacd 1.6.0 and 1.5.5 behind the relay', function () {
  this.timeout(180_000);
  let stack: RealStack;
  let broker: TestBroker;
  let f: Factory;
  let browser: Browser | undefined;
  const lines: string[] = [];

  before(async () => {
    stack = await startRealStack({ desktops: 1, guacd: '1.6' });
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    broker = await startTestBroker({ logger, env: { YUNZHUO_RECORDING_DIR: stack.recordingDir } });
    f = new Factory(broker.admin);
  });
  after(async () => {
    await browser?.close();
    await broker?.stop();
    await stack?.stop();
  });

  async function hall(guacd: Endpoint) {
    const site = await f.site();
    const department = await f.department();
    const gateway = await f.gateway({ siteId: site.id, host: guacd.host, port: guacd.port });
    const pool = await f.pool(department.id, site.id, [gateway.id], { settings: { security: 'any', ignoreCert: true, width: 1024, height: 768 } });
    const [d] = stack.desktops;
    await f.desktop(pool.id, { host: d!.host, port: d!.port, rdpUsername: d!.username, rdpPassword: d!.password });
    const clerk = await f.account({ departmentIds: [department.id] });
    const seat = await f.windowWithTerminal(site.id);
    return {
      async login() {
        const res = await seat.client.post('/api/v1/terminal/sessions', { username: clerk.username, password: PASS });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return { sessionId: res.body.session.id as string, token: res.body.tunnel.token as string };
      },
      async logoff(sessionId: string) {
        assert.equal((await seat.client.post(`/api/v1/terminal/sessions/${sessionId}/logoff`, {})).status, 200);
      },
    };
  }

  /** Opens /tunnel as a page does and answers guacd's syncs; resolves at the first frame. */
  async function firstFrame(token: string): Promise<TunnelClient> {
    const client = TunnelClient.open(`${broker.url.replace('http', 'ws')}/tunnel`, `token=${encodeURIComponent(token)}&width=1024&height=768&dpi=96`);
    client.ws.on('message', (data: Buffer) => {
      for (const m of data.toString().matchAll(/4\.sync,(\d+)\.(\d+)[,;]/g)) client.send(encodeInstruction('sync', m[2]!));
    });
    await client.waitFor((i) => i.opcode === 'size' && i.args[0] === '0', 30_000);
    await client.waitFor((i) => i.opcode === 'sync', 30_000);
    return client;
  }

  const logged = (pattern: RegExp): string[] => lines.filter((line) => pattern.test(line));

  it('a stock Guacamole.Client page renders the desktop through /tunnel, leaves with disconnect, and the log calls it a normal leave', async () => {
    const { token, sessionId } = await (await hall(stack.guacd)).login();
    // The page is made up by the test (page.route), so Chromium cannot tell where it came from and
    // would refuse its WebSocket to loopback as a local network access from the internet.
    browser = await launchChromium(['--disable-features=LocalNetworkAccessChecks']);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    const consoleLines: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (msg) => consoleLines.push(msg.text()));
    await page.route(`${broker.url}/stock/guacamole-common.js`, (route) => route.fulfill({ path: GUACAMOLE_ESM, contentType: 'text/javascript' }));
    await page.route(`${broker.url}/stock/index.html`, (route) => route.fulfill({ body: STOCK_PAGE, contentType: 'text/html' }));
    await page.goto(`${broker.url}/stock/index.html#token=${encodeURIComponent(token)}&width=1024&height=768&dpi=96`);

    // rendered: layer 0 has the desktop's size and more than one colour on it
    await page
      .waitForFunction(
        () => {
          const { client } = (globalThis as unknown as StockWindow).stock;
          const display = client.getDisplay();
          if (display.getWidth() !== 1024) return false;
          const pixels = display.getDefaultLayer().getCanvas().getContext('2d').getImageData(0, 0, 1024, 768).data;
          for (let i = 4; i < pixels.length; i += 4) if (pixels[i] !== pixels[0] || pixels[i + 1] !== pixels[1] || pixels[i + 2] !== pixels[2]) return true;
          return false;
        },
        undefined,
        { timeout: 30_000 },
      )
      .catch(async (error: Error) => {
        const state = await page.evaluate(() =>
          JSON.stringify({
            w: (globalThis as unknown as StockWindow).stock?.client.getDisplay().getWidth(),
            e: (globalThis as unknown as StockWindow).stock?.errors,
          }),
        );
        throw new Error(`${error.message}; page: ${state}; ${[...pageErrors, ...consoleLines].join(' | ')}`);
      });
    assert.deepEqual(pageErrors, []);
    await page.evaluate(() => (globalThis as unknown as StockWindow).stock.client.disconnect());

    await eventually(() => logged(/"msg":"tunnel closed"/).length === 1);
    const [closed] = logged(/"msg":"tunnel closed"/);
    assert.match(closed!, /"reason":"browser-closed"/);
    assert.match(closed!, /"detail":"the browser left with disconnect"/);
    assert.deepEqual(logged(/desktop-failed|gateway-failed/), []);
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as StockWindow).stock.errors), []);
    await eventually(async () => (await broker.admin.get(`/api/v1/sessions/${sessionId}`)).body.state === 'disconnected');
    await page.close();
  });

  it('over 20 new connections to guacd 1.6.0, no log line claims a lost layer-0 size', async () => {
    const seat = await hall(stack.guacd);
    const before = logged(/"msg":"desktop on screen"/).length;
    for (let i = 0; i < 20; i++) {
      const { token, sessionId } = await seat.login();
      const client = await firstFrame(token);
      await seat.logoff(sessionId);
      await client.closed;
    }
    assert.equal(logged(/"msg":"desktop on screen"/).length - before, 20);
    assert.deepEqual(logged(/lost layer 0|layer 0's size|lost-size/), []);
    assert.deepEqual(logged(/"msg":"gateway attempt failed"/), []);
  });

  it("a desktop parked on guacd 1.6.0 for 20 s of idle screen is still there: the clerk's return joins it", async () => {
    const seat = await hall(stack.guacd);
    const first = await seat.login();
    const client = await firstFrame(first.token);
    client.ws.terminate(); // the network blinked: the session goes on and its desktop is parked
    await eventually(() => logged(/"msg":"desktop parked"/).some((l) => l.includes(first.sessionId)));
    // guacd 1.6 drops a user that sent nothing for 15 s; the parked user's keepalive must outlast that
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const again = await seat.login();
    assert.equal(again.sessionId, first.sessionId, 'the same session');
    const back = await firstFrame(again.token);
    const released = logged(/"msg":"parked desktop released"/).filter((l) => l.includes(first.sessionId));
    assert.equal(released.length, 1, released.join('\n'));
    assert.match(released[0]!, /"why":"joined"/, 'a join of the parked connection, not a new RDP login');
    await seat.logoff(first.sessionId);
    await back.closed;
  });

  it('guacd 1.5.5 gives a first frame through the relay (smoke)', async () => {
    const guacd15 = await startRealStack({ desktops: 1, guacd: '1.5' });
    try {
      const seat = await hall(guacd15.guacd);
      const { token, sessionId } = await seat.login();
      const client = await firstFrame(token);
      await seat.logoff(sessionId);
      await client.closed;
    } finally {
      await guacd15.stop();
    }
  });

  it('gateway health probes leave no failure in the log of guacd 1.3.0 or 1.6.0', async () => {
    const guacd13 = await startRealStack({ desktops: 0, guacd: '1.3' });
    const failures = async (version: '1.3' | '1.6'): Promise<number> => (await guacdLog(version)).split('\n').filter((l) => /handshake/i.test(l)).length;
    try {
      for (const [version, endpoint] of [
        ['1.3', guacd13.guacd],
        ['1.6', stack.guacd],
      ] as const) {
        for (let i = 0; i < 3; i++) {
          const result = await tcpProber().gateway(endpoint.host, endpoint.port);
          assert.equal(result.ok, true, `guacd ${version}: ${result.detail}`);
        }
        // Control: the probe of before (select,rdp, args read, connection dropped) makes guacd log a failed
        // handshake (at -L warning only warnings and errors are written). Once that line is there,
        // the three probes above, made earlier, would have written theirs too.
        await new Promise<void>((resolve, reject) => {
          const socket = net.connect(endpoint.port, endpoint.host, () => socket.write(encodeInstruction('select', 'rdp')));
          socket
            .once('data', () => socket.destroy())
            .once('close', () => resolve())
            .once('error', reject);
        });
        // guacd's child writes it when its own 15 s handshake read times out
        await eventually(async () => (await failures(version)) >= 1, { timeoutMs: 40_000, intervalMs: 250 });
        assert.equal(await failures(version), 1, `guacd ${version} logged only the control:\n${await guacdLog(version)}`);
      }
    } finally {
      await guacd13.stop();
    }
  });
});
