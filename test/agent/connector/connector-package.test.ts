import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { pattern, roundTrip, startEchoServer } from '../../helpers/tcp-targets.js';
import { dpkg, holdDpkgLock, readUnit, UnitProcess, writeEnvFile } from '../debian-package-kit.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
const PACKAGE = 'yunzhuo-connector';
const USER_NAME = 'yunzhuo-connector';
const UNIT_FILE = '/lib/systemd/system/yunzhuo-connector.service';
const ENV_FILE = '/etc/yunzhuo/connector.env';
const STATE_DIR = '/var/lib/yunzhuo-connector';

async function buildPackage(): Promise<string> {
  const { stdout } = await run('npm', ['run', '--silent', 'package:connector'], { cwd: ROOT, maxBuffer: 4 << 20 });
  const deb = path.resolve(ROOT, stdout.trim().split('\n').at(-1) ?? '');
  assert.ok(deb.endsWith('_all.deb') && existsSync(deb), `package:connector printed no .deb:\n${stdout}`);
  return deb;
}

async function installed(): Promise<boolean> {
  const status = await run('dpkg-query', ['-W', '-f', '${Status}', PACKAGE]).then(
    (r) => r.stdout,
    () => '',
  );
  return status !== '' && !status.includes('not-installed');
}

const owner = (file: string) => execFileSync('stat', ['-c', '%U:%G %a', file], { encoding: 'utf8' }).trim();

/**
 * The yunzhuo-connector .deb (`npm run package:connector`, the agent's packer) on this machine:
 * its own system user, a root-only /etc/yunzhuo/connector.env, a hardened unit; run as that unit
 * says, it enrolls with the town's join token and carries a stream; purge takes its state.
 */
describe('the yunzhuo-connector .deb (dpkg on this machine, links to a real broker)', function () {
  this.timeout(180_000);
  let release: () => Promise<void>;
  let deb: string;
  let broker: TestBroker;
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let siteId: string;
  let service: UnitProcess | null = null;

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'dpkg -i needs root');
    release = await holdDpkgLock();
    deb = await buildPackage();
    broker = await startTestBroker();
    echo = await startEchoServer();
    const f = new Factory(broker.admin);
    siteId = (await f.site({ kind: 'town', name: '起凤镇便民服务中心' })).id;
    const pool = await f.pool((await f.department()).id, siteId, [(await f.gateway({ siteId })).id], { settings: { viaConnector: true } });
    await f.desktop(pool.id, { host: '127.0.0.1', port: echo.port });
  });
  beforeEach(async () => {
    if (await installed()) assert.equal((await dpkg(['--purge', PACKAGE])).code, 0);
  });
  afterEach(async () => {
    await service?.stop();
    service = null;
  });
  after(async () => {
    if (await installed()) await dpkg(['--purge', PACKAGE]);
    await broker?.stop();
    await echo?.close();
    await release?.();
  });

  it('installs with its own system user, a root-only connector.env (a conffile) and a hardened unit; unconfigured, it says what to set', async () => {
    const install = await dpkg(['-i', deb]);
    assert.equal(install.code, 0, install.output);
    assert.match(install.output, /not configured yet: set YUNZHUO_CONNECTOR_BROKER_URL/);
    const passwd = execFileSync('getent', ['passwd', USER_NAME], { encoding: 'utf8' }).trim().split(':');
    assert.ok(Number(passwd[2]) < 1000, 'a system user');
    assert.equal(passwd[5], STATE_DIR);
    assert.equal(owner(ENV_FILE), 'root:root 600');
    assert.equal(owner(STATE_DIR), `${USER_NAME}:${USER_NAME} 700`);
    assert.match(execFileSync('dpkg-query', ['--showformat=${Conffiles}', '--show', PACKAGE], { encoding: 'utf8' }), /\/etc\/yunzhuo\/connector\.env/);
    const unit = readUnit(UNIT_FILE);
    assert.equal(unit.user, USER_NAME);
    assert.deepEqual(unit.execStart, ['/usr/bin/node', '/usr/lib/yunzhuo-connector/yunzhuo-connector.mjs']);
    assert.deepEqual(unit.environmentFiles, [{ file: ENV_FILE, optional: false }]);
    assert.equal(unit.environment.YUNZHUO_CONNECTOR_STATE_DIR, STATE_DIR);
    const text = readFileSync(UNIT_FILE, 'utf8');
    for (const line of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'CapabilityBoundingSet=', 'RestartPreventExitStatus=2 3'])
      assert.ok(text.includes(line), line);
  });

  it('run as its unit says, it enrolls with the join token, links to the broker and carries a stream to an allowed desktop', async () => {
    assert.equal((await dpkg(['-i', deb])).code, 0);
    const token = (await broker.admin.post('/api/v1/join-tokens', { siteId })).body.token as string;
    writeEnvFile(ENV_FILE, {
      YUNZHUO_CONNECTOR_BROKER_URL: broker.url,
      YUNZHUO_CONNECTOR_JOIN_TOKEN: token,
      YUNZHUO_CONNECTOR_ALLOW: '127.0.0.1/32',
      YUNZHUO_CONNECTOR_NAME: '起凤镇连接器',
    });
    service = new UnitProcess(readUnit(UNIT_FILE));
    await eventually(() => broker.connectors.hub.linkFor(siteId) !== undefined, { timeoutMs: 30_000 }).catch(() => assert.fail(service!.output));
    const port = await broker.connectors.gateway.portFor(siteId, { host: '127.0.0.1', port: echo.port }, null);
    const payload = pattern(500_000, 5);
    assert.ok((await roundTrip(port, payload)).equals(payload));
    assert.equal(owner(`${STATE_DIR}/connector.json`), `${USER_NAME}:${USER_NAME} 600`);
    const rows = (await broker.admin.get('/api/v1/connectors')).body.items as Array<{ name: string; siteId: string }>;
    assert.ok(rows.some((r) => r.name === '起凤镇连接器' && r.siteId === siteId));
    assert.equal(await service.stop(), 0, 'SIGTERM: a clean exit');
    service = null;
  });

  it('remove keeps its settings and credential; purge takes them and locks the user', async () => {
    assert.equal((await dpkg(['-i', deb])).code, 0);
    writeEnvFile(ENV_FILE, { YUNZHUO_CONNECTOR_BROKER_URL: broker.url, YUNZHUO_CONNECTOR_ALLOW: '127.0.0.1/32' });
    assert.equal((await dpkg(['-r', PACKAGE])).code, 0);
    assert.ok(existsSync(ENV_FILE) && statSync(STATE_DIR).isDirectory(), 'kept on remove');
    assert.equal((await dpkg(['--purge', PACKAGE])).code, 0);
    assert.ok(!existsSync(ENV_FILE) && !existsSync(STATE_DIR), 'gone on purge');
    assert.match(execFileSync('chage', ['-l', USER_NAME], { encoding: 'utf8' }), /Account expires\s*:\s*(Jan 0[12], 1970)/);
  });
});
