import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { eventually } from '../helpers/eventually.js';
import { FleetBroker } from './agent-kit.js';
import {
  buildPackage,
  debconfSet,
  debconfShow,
  dpkg,
  ENV_FILE,
  holdDpkgLock,
  packageStatus,
  PACKAGE,
  processesOf,
  readEnvFile,
  readUnit,
  STATE_DIR,
  UnitProcess,
  UNIT_FILE,
  writeEnvFile,
} from './debian-package-kit.js';

const AGENT_USER = 'yunzhuo-agent';
const BUNDLE = '/usr/lib/yunzhuo-agent/yunzhuo-agent.mjs';
/** settings of this machine, not of the package: no browser here, quick reconnects */
const NO_KIOSK = { YUNZHUO_AGENT_KIOSK_ENABLED: 'false', YUNZHUO_AGENT_BACKOFF_MAX_MS: '1000' };

const policyRc = () => (existsSync('/usr/sbin/policy-rc.d') ? readFileSync('/usr/sbin/policy-rc.d', 'utf8') : null);
const identity = (): { terminalId: string } => JSON.parse(readFileSync(`${STATE_DIR}/identity.json`, 'utf8'));
const accountExpiry = () =>
  execFileSync('chage', ['-l', AGENT_USER], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.startsWith('Account expires'));

describe('the yunzhuo-agent .deb (dpkg on this machine, enrolls against a real broker)', function () {
  this.timeout(180_000);
  let release: () => Promise<void>;
  let deb: string;
  let fleet: FleetBroker;
  let siteId: string;
  let policyRcBefore: string | null;
  let service: UnitProcess | null = null;

  before(async () => {
    assert.equal(process.getuid?.(), 0, 'dpkg -i needs root');
    release = await holdDpkgLock();
    policyRcBefore = policyRc();
    deb = await buildPackage();
    fleet = await FleetBroker.start();
    siteId = (await fleet.factory.site({ kind: 'county' })).id;
  });
  // each case starts from a machine without the package, its configuration or its state
  beforeEach(async () => {
    if ((await packageStatus()) !== 'not-installed') assert.equal((await dpkg(['--purge', PACKAGE])).code, 0);
  });
  afterEach(async () => {
    await service?.stop();
    service = null;
  });
  after(async () => {
    if ((await packageStatus()) !== 'not-installed') await dpkg(['--purge', PACKAGE]);
    await fleet?.stop();
    await release?.();
    assert.equal(policyRc(), policyRcBefore, '/usr/sbin/policy-rc.d is as it was');
  });

  it('is one arch-independent bundle with its unit, conffiles and debconf questions', () => {
    const info = execFileSync('dpkg-deb', ['--info', deb], { encoding: 'utf8' });
    assert.match(info, /Architecture: all/);
    assert.match(info, /Depends: nodejs \(>= 20\)/);
    const files = execFileSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8' });
    for (const file of [BUNDLE, UNIT_FILE, '/etc/yunzhuo/agent.json', '/etc/sudoers.d/yunzhuo-agent']) assert.ok(files.includes(`.${file}\n`), file);
    assert.doesNotMatch(files, /\.node\n|node_modules/, 'no native module, no node_modules');
    const control = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile ${deb} | tar -tf -`], { encoding: 'utf8' });
    for (const part of ['conffiles', 'templates', 'config', 'postinst', 'prerm', 'postrm']) assert.match(control, new RegExp(`\\./${part}\\n`), part);
    const conffiles = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile ${deb} | tar -xOf - ./conffiles`], { encoding: 'utf8' });
    assert.equal(conffiles, '/etc/yunzhuo/agent.json\n/etc/sudoers.d/yunzhuo-agent\n');
  });

  it('env file: postinst enrolls, the unit as its user goes online; dpkg -r and -P remove it cleanly', async () => {
    const { token } = await fleet.joinToken(siteId, { label: 'dpkg env file' });
    execFileSync('install', ['-d', '-m', '0755', '/etc/yunzhuo']);
    writeEnvFile(ENV_FILE, { YUNZHUO_BROKER_URL: fleet.url, YUNZHUO_JOIN_TOKEN: token, ...NO_KIOSK });

    const installed = await dpkg(['--install', deb]);
    assert.equal(installed.code, 0, installed.output);
    assert.match(installed.output, /yunzhuo-agent: enrolled/);
    assert.equal(statSync(`${STATE_DIR}/identity.json`).mode & 0o777, 0o600);
    assert.equal(execFileSync('stat', ['-c', '%U', `${STATE_DIR}/identity.json`], { encoding: 'utf8' }).trim(), AGENT_USER);
    assert.equal(readEnvFile(ENV_FILE).YUNZHUO_JOIN_TOKEN, undefined, 'the spent token left agent.env');
    assert.equal(readEnvFile(ENV_FILE).YUNZHUO_BROKER_URL, fleet.url);
    assert.equal(statSync(ENV_FILE).mode & 0o777, 0o600);
    assert.match(execFileSync('getent', ['passwd', AGENT_USER], { encoding: 'utf8' }), /:\/var\/lib\/yunzhuo-agent:\/usr\/sbin\/nologin\n$/);
    assert.ok(existsSync('/etc/systemd/system/multi-user.target.wants/yunzhuo-agent.service'), 'enabled');
    const { terminalId } = identity();
    assert.equal((await fleet.terminal(terminalId)).online, false);

    const unit = readUnit();
    assert.equal(unit.user, AGENT_USER);
    service = new UnitProcess(unit);
    await fleet.waitOnline(terminalId, true, 20_000);
    assert.equal((await fleet.terminal(terminalId)).siteId, siteId);
    const [pid] = await processesOf(AGENT_USER);
    assert.ok(pid, 'the agent runs as yunzhuo-agent');
    assert.match(service.output, /"msg":"agent starting"/, 'JSON lines on stderr, for the journal');
    assert.equal(await service.stop(), 0, service.output);
    service = null;
    await fleet.waitOnline(terminalId, false);

    const removed = await dpkg(['--remove', PACKAGE]);
    assert.equal(removed.code, 0, removed.output);
    assert.equal(existsSync(BUNDLE), false);
    assert.equal(existsSync(UNIT_FILE), false);
    assert.ok(existsSync('/etc/yunzhuo/agent.json') && existsSync(`${STATE_DIR}/identity.json`), 'remove keeps configuration and identity');
    assert.deepEqual(await processesOf(AGENT_USER), []);

    const purged = await dpkg(['--purge', PACKAGE]);
    assert.equal(purged.code, 0, purged.output);
    for (const gone of [
      '/etc/yunzhuo',
      STATE_DIR,
      '/etc/sudoers.d/yunzhuo-agent',
      '/etc/systemd/system/yunzhuo-agent.service',
      '/etc/systemd/system/multi-user.target.wants/yunzhuo-agent.service',
    ]) {
      assert.equal(existsSync(gone), false, gone);
    }
    assert.equal(await packageStatus(), 'not-installed');
    // Debian keeps a system user (its uid may own files elsewhere); it is locked
    assert.doesNotMatch(accountExpiry() ?? '', /never/);
    assert.equal(await debconfShow(), '');
  });

  it('debconf with the broker down: the install succeeds, the service enrolls once the broker is up', async () => {
    const { token } = await fleet.joinToken(siteId, { label: 'dpkg debconf' });
    await debconfSet([`${PACKAGE} ${PACKAGE}/broker-url string ${fleet.url}`, `${PACKAGE} ${PACKAGE}/join-token password ${token}`]);
    execFileSync('install', ['-d', '-m', '0755', '/etc/yunzhuo']);
    writeEnvFile(ENV_FILE, NO_KIOSK);
    await fleet.down();

    const installed = await dpkg(['--install', deb]);
    assert.equal(installed.code, 0, installed.output);
    assert.match(installed.output, /broker not reachable yet/);
    assert.equal(existsSync(`${STATE_DIR}/identity.json`), false);
    assert.equal(readEnvFile(ENV_FILE).YUNZHUO_JOIN_TOKEN, token, 'kept for the service');
    assert.equal(readEnvFile(ENV_FILE).YUNZHUO_BROKER_URL, fleet.url);
    assert.doesNotMatch(await debconfShow(), new RegExp(token), 'the token is not kept in debconf');
    assert.equal(accountExpiry(), 'Account expires\t\t\t\t\t\t: never', 'a reinstall opens the account again');

    service = new UnitProcess(readUnit());
    await eventually(() => /enrollment failed; retrying/.test(service!.output), { timeoutMs: 20_000 });
    await fleet.up();
    const terminalId = String(await eventually(() => existsSync(`${STATE_DIR}/identity.json`) && identity().terminalId, { timeoutMs: 20_000 }));
    await fleet.waitOnline(terminalId, true, 20_000);
    assert.equal(await service.stop(), 0, service.output);
    service = null;

    assert.equal((await dpkg(['--purge', PACKAGE])).code, 0);
    assert.deepEqual(await processesOf(AGENT_USER), []);
    assert.equal(existsSync(STATE_DIR), false);
  });
});
