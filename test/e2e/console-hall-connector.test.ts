// Issue 20, in Chromium: on the hall map, a window whose desktops go through a town connector is
// marked (⇄); while no connector of that town is linked the tile is outlined and says so (⚠ 连接器).
// The connector is a real yunzhuo-connector run in-process against the console's broker.
// Screenshots: test/e2e/artifacts/console-hall-connector-*.png.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { connectorConfigSchema } from '../../agent/src/connector/connector-config.js';
import { TownConnector } from '../../agent/src/connector/town-connector.js';
import { createLogger } from '../../agent/src/log.js';
import { ConsoleHarness, textMatching } from '../console/harness.js';
import { startEchoServer } from '../helpers/tcp-targets.js';

describe('console: hall map marks for windows served through a town connector (Chromium)', function () {
  this.timeout(180_000);
  let h: ConsoleHarness;
  let page: Page;
  let countyId = '';
  let townId = '';
  let connector: TownConnector | null = null;
  let stateDir: string;
  let desktop: Awaited<ReturnType<typeof startEchoServer>>;
  let townPoolId = '';

  before(async () => {
    h = await ConsoleHarness.start();
    desktop = await startEchoServer();
    stateDir = mkdtempSync(path.join(tmpdir(), 'yz-hall-connector-'));
    const f = h.factory;
    const county = await f.site({ code: 'HT', name: '桓台县政务服务中心' });
    countyId = county.id;
    townId = (await f.site({ code: 'GL', name: '果里镇便民服务中心', kind: 'town', parentId: county.id })).id;
    const estate = await f.department({ code: 'BDC', name: '不动产登记中心' });
    const tax = await f.department({ code: 'SWJ', name: '税务局' });
    const guacd = await f.gateway({ name: '县 guacd', siteId: county.id });
    const townPool = await f.pool(estate.id, townId, [guacd.id], { name: '果里镇不动产桌面池', settings: { viaConnector: true } });
    townPoolId = townPool.id;
    await f.desktop(townPool.id, { host: '127.0.0.1', port: desktop.port });
    await f.pool(tax.id, county.id, [guacd.id], { name: '税务桌面池' });
    await f.windowWithTerminal(county.id, { code: 'B-021', departmentId: estate.id, posX: 0, posY: 0 });
    await f.windowWithTerminal(county.id, { code: 'B-022', departmentId: tax.id, posX: 1, posY: 0 });
    page = (await h.newPage()).page;
    await h.login(page);
  });

  after(async () => {
    connector?.stop();
    await h?.stop();
    await desktop?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  afterEach(() => assert.deepEqual(h.pageErrors.splice(0), [], 'no uncaught errors in the page'));

  const tile = (code: string) => page.locator(`[data-window-code="${code}"]`);

  it('with no connector of the town linked, the window served through it is outlined and says so', async () => {
    await h.open(page, `/hall/${countyId}`, 'page-hall');
    await tile('B-021').getByTestId('tile-connector-down').waitFor();
    assert.match((await tile('B-021').getAttribute('class')) ?? '', /connector-down/);
    await textMatching(tile('B-021').getByTestId('tile-connector-down'), /连接器/);
    assert.equal(await tile('B-022').locator('.tile-via').count(), 0, 'a county window is not marked');
    await tile('B-021').hover();
    await textMatching(page.getByRole('tooltip'), /经乡镇连接器：—.*乡镇连接器离线/s);
    await h.shot(page, 'hall-connector-down');
  });

  it('once the town’s connector links, the mark says which connector carries the window', async () => {
    const token = (await h.broker.admin.post('/api/v1/join-tokens', { siteId: townId })).body.token as string;
    const config = connectorConfigSchema.parse({
      brokerUrl: h.broker.url,
      joinToken: token,
      name: '果里镇连接器',
      stateDir,
      allow: '127.0.0.1/32',
      logLevel: 'silent',
    });
    connector = new TownConnector(config, createLogger('silent'));
    await connector.start();
    const via = tile('B-021').getByTestId('tile-via-connector');
    await via.waitFor({ timeout: 30_000 });
    assert.equal(await tile('B-021').getByTestId('tile-connector-down').count(), 0);
    assert.equal(await via.getAttribute('title'), '经乡镇连接器：果里镇连接器');
    await h.shot(page, 'hall-connector-up');
    // the pool's desktops say which connector carries them
    await h.open(page, `/pools/${townPoolId}`, 'page-pools');
    const carrier = page.getByTestId('desktops-panel').getByTestId('desktop-connector');
    await carrier.filter({ hasText: '⇄ 果里镇连接器' }).waitFor();
    await h.shot(page, 'pool-desktops-connector');
    await h.open(page, `/hall/${countyId}`, 'page-hall');
  });

  it('when the connector goes away, the mark comes back', async () => {
    connector!.stop();
    connector = null;
    await tile('B-021').getByTestId('tile-connector-down').waitFor({ timeout: 30_000 });
  });
});
