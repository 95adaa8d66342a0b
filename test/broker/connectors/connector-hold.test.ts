import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../agent/src/log.js';
import { connectorConfigSchema } from '../../../agent/src/connector/connector-config.js';
import { TownConnector } from '../../../agent/src/connector/town-connector.js';
import { DEFAULT_LINK_HOLD_MS } from '../../../broker/src/connectors/connector-gateway.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { pattern, roundTrip, startEchoServer } from '../../helpers/tcp-targets.js';

/**
 * While no link of the town is up (its connector restarting, the WAN blinking), a connection guacd
 * makes to a town desktop's listener is held, not refused: it is carried as soon as a link comes,
 * and refused (CONNECTOR_OFFLINE, audited) only when none came within the hold.
 */
describe('a town desktop connection held while the connector is away', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let clock: ManualClock;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let stateDir: string;
  let siteId: string;
  let connector: TownConnector | null = null;

  before(async () => {
    clock = new ManualClock(Date.parse('2026-12-04T09:00:00+08:00'));
    broker = await startTestBroker({ clock });
    echo = await startEchoServer();
    stateDir = mkdtempSync(path.join(tmpdir(), 'yz-connector-hold-'));
    const f = new Factory(broker.admin);
    siteId = (await f.site({ kind: 'town', name: '荆家镇便民服务中心' })).id;
    const pool = await f.pool((await f.department()).id, siteId, [(await f.gateway({ siteId })).id], { settings: { viaConnector: true } });
    await f.desktop(pool.id, { host: '127.0.0.1', port: echo.port });
  });

  after(async () => {
    connector?.stop();
    await broker?.stop();
    await echo?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const listener = () => broker.connectors.gateway.portFor(siteId, { host: '127.0.0.1', port: echo.port }, null);

  it('with no connector for the whole hold: refused one tick after it, CONNECTOR_OFFLINE audited', async () => {
    const socket = net.connect({ port: await listener(), host: '127.0.0.1' });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    await eventually(() => broker.connectors.hub.waiting(siteId) === 1);
    clock.advance(DEFAULT_LINK_HOLD_MS - 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(broker.connectors.hub.waiting(siteId), 1, 'still held one tick before the end of the hold');
    clock.advance(1);
    await closed;
    const refused = await eventually(async () => {
      const items = (await broker.admin.get('/api/v1/audit-events?action=connector.stream.refused')).body.items as Array<{ details: { code: string } }>;
      return items.length > 0 ? items : null;
    });
    assert.equal(refused[0]!.details.code, 'CONNECTOR_OFFLINE');
  });

  it('a connection made before the connector links is carried once it does, bytes intact', async () => {
    const payload = pattern(200_000, 9);
    const back = roundTrip(await listener(), payload);
    await eventually(() => broker.connectors.hub.waiting(siteId) === 1);
    const token = (await broker.admin.post('/api/v1/join-tokens', { siteId })).body.token as string;
    const config = connectorConfigSchema.parse({ brokerUrl: broker.url, joinToken: token, stateDir, allow: '127.0.0.1/32', logLevel: 'silent' });
    connector = new TownConnector(config, createLogger('silent'));
    await connector.start();
    assert.ok((await back).equals(payload));
    assert.equal(broker.connectors.hub.waiting(siteId), 0);
  });
});
