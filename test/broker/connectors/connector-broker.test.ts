import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { poolSettingsSchema } from '@yunzhuo/protocol/api/common';
import { CONNECTOR_PROTOCOL_HEADER } from '@yunzhuo/protocol/connector/index';
import type { TunnelBroker } from '../../../broker/src/tunnel/tunnel-target.js';
import { createLogger } from '../../../agent/src/log.js';
import { connectorConfigSchema } from '../../../agent/src/connector/connector-config.js';
import { TownConnector } from '../../../agent/src/connector/town-connector.js';
import { assertError } from '../../helpers/api-client.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { bytesUntilClosed, pattern, roundTrip, startEchoServer } from '../../helpers/tcp-targets.js';

const until = (check: () => unknown, timeoutMs = 20_000) =>
  eventually(
    async () => {
      await check();
      return true;
    },
    { timeoutMs },
  );

/** the answer to an upgrade the broker refused before upgrading: status and error code */
function upgradeRefusal(url: string, headers: Record<string, string>): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/connector', { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { error: { code: string } }).error.code }));
    });
    ws.on('open', () => reject(new Error('upgraded')));
    ws.on('error', () => undefined);
  });
}

describe('town connectors on one broker (in-process connector)', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let stateDir: string;
  let connector: TownConnector | null = null;
  let siteId: string;
  let desktopId: string;

  before(async () => {
    broker = await startTestBroker();
    echo = await startEchoServer();
    stateDir = mkdtempSync(path.join(tmpdir(), 'yz-connector-'));
    const f = new Factory(broker.admin);
    const site = await f.site({ kind: 'town', name: '城南镇便民服务中心' });
    siteId = site.id;
    const department = await f.department();
    const gateway = await f.gateway({ siteId });
    const pool = await f.pool(department.id, siteId, [gateway.id], { settings: { viaConnector: true } });
    desktopId = (await f.desktop(pool.id, { host: '127.0.0.1', port: echo.port })).id;
    await f.desktop(pool.id, { host: '127.0.0.2', port: echo.port }); // listed by the county, outside the town's own rules
  });

  /** the town's connector (the allowed desktop only), enrolling with `joinToken` when it has no credential yet */
  const townConnector = (joinToken?: string) =>
    new TownConnector(
      connectorConfigSchema.parse({
        brokerUrl: broker.url,
        ...(joinToken ? { joinToken } : {}),
        name: '城南镇-connector',
        stateDir,
        allow: '127.0.0.1/32',
        logLevel: 'silent',
        pingMs: 500,
        statsMs: 200,
      }),
      createLogger('silent'),
    );

  after(async () => {
    connector?.stop();
    await echo.close();
    await broker.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses an upgrade without the protocol header or with an unknown credential, before upgrading', async () => {
    assert.deepEqual(await upgradeRefusal(broker.url, {}), { status: 400, code: 'CONNECTOR_VERSION_UNSUPPORTED' });
    assert.deepEqual(
      await upgradeRefusal(broker.url, { [CONNECTOR_PROTOCOL_HEADER]: '1.0', authorization: 'Connector 00000000-0000-0000-0000-000000000000.x' }),
      {
        status: 401,
        code: 'CONNECTOR_UNKNOWN',
      },
    );
    assertError(await broker.admin.post('/api/v1/connector/enroll', { joinToken: 'yzj_nonsense-token', name: 'x' }), 401, 'JOIN_TOKEN_INVALID');
  });

  it('enrolls with a join token, links, and carries bytes both ways to an allowed desktop', async () => {
    const created = await broker.admin.post('/api/v1/join-tokens', { siteId, label: '城南镇连接器' });
    assert.equal(created.status, 201);
    connector = townConnector(created.body.token);
    await connector.start();
    const [row] = (await broker.admin.get('/api/v1/connectors')).body.items as Array<{ id: string; links: number; desktops: number }>;
    await until(() => assert.ok(broker.connectors.hub.linkFor(siteId)));
    const port = await broker.connectors.gateway.portFor(siteId, { host: '127.0.0.1', port: echo.port }, null);
    const payload = pattern(3_000_000);
    const back = await roundTrip(port, payload);
    assert.equal(back.length, payload.length);
    assert.ok(back.equals(payload));
    await until(async () => {
      const [seen] = (await broker.admin.get('/api/v1/connectors')).body.items as Array<{
        id: string;
        links: number;
        desktops: number;
        lastSeenAt: string | null;
        rttMs: number | null;
      }>;
      assert.equal(seen!.id, row!.id);
      assert.deepEqual([seen!.links, seen!.desktops], [1, 2]);
      assert.ok(seen!.lastSeenAt);
      assert.notEqual(seen!.rttMs, null);
    });
  });

  it('offers a new link for streams only once its welcome is sent: a stream opened before it would be refused by the connector and reset', async () => {
    // the broker's target list for the welcome is held back, as a slow database would
    const directory = (broker.connectors.hub as unknown as { deps: { directory: { targetsOf(siteId: string): Promise<unknown> } } }).deps.directory;
    const targetsOf = directory.targetsOf.bind(directory);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const welcomeAsked = new Promise<void>((resolve) => (asked = resolve));
    directory.targetsOf = async (id: string) => {
      asked();
      await held;
      return targetsOf(id);
    };
    try {
      connector!.stop();
      await until(() => assert.equal(broker.connectors.hub.linkFor(siteId), undefined));
      connector = townConnector(); // enrolled already: its credential is in stateDir
      await connector.start();
      await welcomeAsked; // linked, its welcome not sent yet
      assert.equal(broker.connectors.hub.linkFor(siteId), undefined, 'no stream may go on a link before its welcome');
    } finally {
      directory.targetsOf = targetsOf;
      release();
    }
    await until(() => assert.ok(broker.connectors.hub.linkFor(siteId)));
    const port = await broker.connectors.gateway.portFor(siteId, { host: '127.0.0.1', port: echo.port }, null);
    const payload = pattern(100_000);
    assert.ok((await roundTrip(port, payload)).equals(payload));
  });

  it("hands guacd the broker's listener for a desktop of a pool via connector, and the listener reaches the desktop", async () => {
    const target = {
      sessionId: 'session-1',
      terminalId: null,
      gateways: [],
      desktop: { id: desktopId, host: '127.0.0.1', port: echo.port, username: 'u', password: 'p' },
      settings: poolSettingsSchema.parse({ viaConnector: true }),
      recording: null,
    };
    const engine = { redeemToken: async () => target } as unknown as TunnelBroker;
    const routed = await broker.connectors.route(engine).redeemToken('token');
    assert.equal(routed.desktop.host, '127.0.0.1');
    assert.notEqual(routed.desktop.port, echo.port);
    assert.equal((await roundTrip(routed.desktop.port, Buffer.from('桌面'))).toString(), '桌面');
    const directEngine = { redeemToken: async () => ({ ...target, settings: poolSettingsSchema.parse({}) }) } as unknown as TunnelBroker;
    const direct = await broker.connectors.route(directEngine).redeemToken('token');
    assert.equal(direct.desktop.port, echo.port, 'a pool reached directly keeps its address');
    await until(async () => {
      const audit = await broker.admin.get('/api/v1/audit-events?targetId=session-1&pageSize=50');
      const actions = (audit.body.items as Array<{ action: string }>).map((e) => e.action);
      assert.ok(actions.includes('connector.stream.open') && actions.includes('connector.stream.close'), actions.join(', '));
    });
  });

  it("refuses a desktop outside the town's own allowlist even when the broker asks", async () => {
    const port = await broker.connectors.gateway.portFor(siteId, { host: '127.0.0.2', port: echo.port }, null);
    assert.equal((await bytesUntilClosed(port, Buffer.from('hello'))).length, 0, 'the socket closes with nothing');
    await until(async () => {
      const audit = await broker.admin.get('/api/v1/audit-events?action=connector.stream.close&pageSize=50');
      const codes = (audit.body.items as Array<{ details: { code?: string; host?: string } }>).map((e) => `${e.details.host} ${e.details.code}`);
      assert.ok(codes.includes('127.0.0.2 TARGET_NOT_ALLOWED'), codes.join(', '));
    });
  });

  it('revocation cuts the connector at once and refuses it afterwards', async () => {
    const [row] = (await broker.admin.get('/api/v1/connectors')).body.items as Array<{ id: string }>;
    const refused = new Promise<string>((resolve) => (connector!.onRefused = resolve));
    const revoked = await broker.admin.post(`/api/v1/connectors/${row!.id}/revoke`, {});
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.state, 'revoked');
    assert.equal(await refused, 'CONNECTOR_REVOKED');
    assert.equal(broker.connectors.hub.get(row!.id), undefined);
  });
});
