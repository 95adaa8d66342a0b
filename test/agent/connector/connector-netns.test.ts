import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { pattern, roundTrip } from '../../helpers/tcp-targets.js';
import { TownNetns } from '../../helpers/town-netns.js';
import { ConnectorProcess, startTownTargets, until } from './connector-harness.js';

/**
 * A town desktop on a network the county cannot route to (its own network namespace), reached
 * only through a `yunzhuo-connector` process running inside that namespace.
 */
describe('yunzhuo-connector process behind a town network namespace', function () {
  this.timeout(180_000);
  let town: TownNetns;
  let broker: TestBroker;
  let connector: ConnectorProcess;
  let ports: { echo: number; stall: number };
  let siteId: string;
  let stateDir: string;
  let connectorEnv: Record<string, string>;

  before(async () => {
    town = TownNetns.create();
    ports = await startTownTargets(town);
    broker = await startTestBroker({ env: { YUNZHUO_HOST: town.countyIp } });
    stateDir = mkdtempSync(path.join(tmpdir(), 'yz-connector-'));
    const f = new Factory(broker.admin);
    siteId = (await f.site({ kind: 'town', name: '东岳镇便民服务中心' })).id;
    const department = await f.department();
    const gateway = await f.gateway({ siteId });
    const pool = await f.pool(department.id, siteId, [gateway.id], { settings: { viaConnector: true } });
    for (const port of [ports.echo, ports.stall]) await f.desktop(pool.id, { host: town.desktopIp, port });
    await f.desktop(pool.id, { host: town.uplinkIp, port: 22 }); // the county lists it; the town's own rules do not
    const token = (await broker.admin.post('/api/v1/join-tokens', { siteId })).body.token as string;
    connectorEnv = {
      YUNZHUO_CONNECTOR_BROKER_URL: broker.url,
      YUNZHUO_CONNECTOR_JOIN_TOKEN: token,
      YUNZHUO_CONNECTOR_STATE_DIR: stateDir,
      YUNZHUO_CONNECTOR_ALLOW: `${town.desktopIp.replace(/\.10$/, '.0')}/24`,
    };
    connector = ConnectorProcess.start(town, connectorEnv);
    await until(() => assert.ok(broker.connectors.hub.linkFor(siteId), connector.log), 120_000);
    // the town is up once a small echo comes back through the connector (the namespace's link
    // and the targets in it may still be settling when the link to the broker is)
    const probe = pattern(1_000, 7);
    await until(async () => assert.ok((await roundTrip(await portOf(ports.echo), probe)).equals(probe)), 60_000);
  });

  after(async () => {
    town?.destroy();
    await broker?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const portOf = (port: number, host = town.desktopIp) => broker.connectors.gateway.portFor(siteId, { host, port }, null);

  it('the county has no route to the town desktops; bytes flow both ways through the connector', async () => {
    assert.doesNotMatch(town.countyRouteToDesktops(), new RegExp(`dev ${town.hostIf}\\b`));
    const port = await portOf(ports.echo);
    const payload = pattern(8_000_000, 3);
    const back = await roundTrip(port, payload);
    assert.equal(back.length, payload.length);
    assert.ok(back.equals(payload));
  });

  it('a stalled desktop does not hold up the others, and the connector’s memory stays bounded', async () => {
    const stalled = net.connect({ port: await portOf(ports.stall), host: '127.0.0.1' });
    stalled.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 9);
    let offered = 0;
    const push = () => {
      while (offered < 64_000_000 && stalled.write(chunk)) offered += chunk.length;
    };
    stalled.on('drain', push);
    stalled.on('connect', push);
    const echoPort = await portOf(ports.echo);
    const payloads = Array.from({ length: 8 }, (_, i) => pattern(1_000_000, i));
    const backs = await Promise.all(payloads.map((p) => roundTrip(echoPort, p)));
    backs.forEach((b, i) => assert.ok(b.equals(payloads[i]!), `stream ${i}`));
    assert.ok(connector.rssMb() < 200, `connector RSS ${connector.rssMb()} MB`);
    stalled.destroy();
  });

  it('refuses a target outside its allowlist even when the broker asks, with TARGET_NOT_ALLOWED', async () => {
    for (const [host, port] of [
      [town.uplinkIp, 22], // a desktop of the site, outside the town's own CIDR rule
      [town.desktopIp, 3389], // inside the CIDR, but not a desktop of this site
    ] as const) {
      // the broker cuts guacd's socket (a reset) with not a byte from the town
      const back = await roundTrip(await portOf(port, host), Buffer.from('x')).catch(() => Buffer.alloc(0));
      assert.equal(back.length, 0);
      await until(() =>
        assert.ok(
          connector.lines().some((l) => l.code === 'TARGET_NOT_ALLOWED' && l.host === host && l.port === port),
          connector.log,
        ),
      );
    }
  });

  it('after a connector restart, new streams work (the credential was kept)', async () => {
    await connector.kill();
    connector = ConnectorProcess.start(town, { ...connectorEnv, YUNZHUO_CONNECTOR_JOIN_TOKEN: '' });
    const port = await portOf(ports.echo);
    await until(async () => assert.equal((await roundTrip(port, pattern(100_000), '127.0.0.1', 5000)).length, 100_000));
    assert.ok(!connector.log.includes('enrolled'));
  });

  it('after a cut of the town link, the connector comes back and new streams work', async () => {
    town.setLink(false);
    await until(() => assert.match(connector.log, /broker link lost/));
    town.setLink(true);
    const port = await portOf(ports.echo);
    await until(async () => assert.equal((await roundTrip(port, pattern(100_000), '127.0.0.1', 5000)).length, 100_000), 60_000);
  });
});
