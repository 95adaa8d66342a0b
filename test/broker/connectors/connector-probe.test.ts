import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../agent/src/log.js';
import { connectorConfigSchema } from '../../../agent/src/connector/connector-config.js';
import { TownConnector } from '../../../agent/src/connector/town-connector.js';
import { RDP_CONNECTION_REQUEST } from '../../../broker/src/connectors/connector-probe.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/** A stand-in RDP service: answers a Connection Request with a Connection Confirm; keeps what it read. */
async function fakeRdp(answer: boolean): Promise<{ port: number; received: Buffer[]; close(): Promise<void> }> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      received.push(d);
      if (answer) socket.write(Buffer.from('030000130ed000001234000201080001000000', 'hex'));
      else socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Health probes of town desktops go through the town's connector (the county has no route to
 * them): an RDP Connection Request over a stream, answered by the desktop. A desktop that does not
 * answer, and every desktop once the connector is gone, is marked down with the reason.
 */
describe('health probes of town desktops through the connector', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let connector: TownConnector;
  let stateDir: string;
  let siteId: string;
  let answering: Awaited<ReturnType<typeof fakeRdp>>;
  let silent: Awaited<ReturnType<typeof fakeRdp>>;
  const ids: { answering: string; silent: string } = { answering: '', silent: '' };

  const health = async (id: string) => (await broker.admin.get(`/api/v1/desktops/${id}`)).body.health as string;
  const lastHealthAudit = async (id: string) => {
    const items = (await broker.admin.get(`/api/v1/audit-events?action=desktop.health&targetId=${id}`)).body.items as Array<{
      details: { to: string; detail: string | null };
    }>;
    return items[0]?.details;
  };
  const cycles = async (n: number) => {
    for (let i = 0; i < n; i++) await broker.desktopLifecycle.health.runCycle();
  };

  before(async () => {
    broker = await startTestBroker();
    [answering, silent] = await Promise.all([fakeRdp(true), fakeRdp(false)]);
    stateDir = mkdtempSync(path.join(tmpdir(), 'yz-connector-probe-'));
    const f = new Factory(broker.admin);
    siteId = (await f.site({ kind: 'town', name: '唐山镇便民服务中心' })).id;
    const gateway = await f.gateway({ siteId });
    const pool = await f.pool((await f.department()).id, siteId, [gateway.id], { settings: { viaConnector: true } });
    ids.answering = (await f.desktop(pool.id, { host: '127.0.0.1', port: answering.port })).id;
    ids.silent = (await f.desktop(pool.id, { host: '127.0.0.1', port: silent.port })).id;
    assert.equal((await broker.admin.request('PUT', `/api/v1/pools/${pool.id}/lifecycle`, { probeDesktops: true })).status, 200);
    const token = (await broker.admin.post('/api/v1/join-tokens', { siteId })).body.token as string;
    const config = connectorConfigSchema.parse({ brokerUrl: broker.url, joinToken: token, stateDir, allow: '127.0.0.1/32', logLevel: 'silent' });
    connector = new TownConnector(config, createLogger('silent'));
    await connector.start();
    await eventually(() => broker.connectors.hub.linkFor(siteId) !== undefined);
  });

  after(async () => {
    connector?.stop();
    await broker?.stop();
    await Promise.all([answering?.close(), silent?.close()]);
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('a desktop that answers the RDP Connection Request through the connector is up', async () => {
    await cycles(1);
    assert.equal(await health(ids.answering), 'up');
    assert.deepEqual(Buffer.concat(answering.received), RDP_CONNECTION_REQUEST);
  });

  it('a desktop that closes without answering is down after two probes, with the reason', async () => {
    await cycles(2);
    assert.equal(await health(ids.silent), 'down');
    assert.equal(await health(ids.answering), 'up');
    assert.equal((await lastHealthAudit(ids.silent))?.to, 'down');
  });

  it('once the connector is gone, its desktops are down: CONNECTOR_OFFLINE', async () => {
    connector.stop();
    await eventually(() => broker.connectors.hub.linkFor(siteId) === undefined);
    await cycles(2);
    assert.equal(await health(ids.answering), 'down');
    const audited = await lastHealthAudit(ids.answering);
    assert.deepEqual([audited?.to, audited?.detail], ['down', 'CONNECTOR_OFFLINE']);
  });
});
