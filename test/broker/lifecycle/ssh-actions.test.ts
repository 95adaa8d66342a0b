import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { startSshd, type TestSshd } from '../../setup/sshd.js';
import { actionRunOut, knownHostOut } from '@yunzhuo/protocol/api/lifecycle';
import { isAppError } from '../../../broker/src/lib/app-error.js';
import { ApiClient, assertError, itemsOf } from '../../helpers/api-client.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { auditOf, desktopRow, lifecycleHall, sessionRow } from './lifecycle-kit.js';

describe('lifecycle: SSH actions against a real sshd', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let broker: TestBroker;
  let sshHostId: string;
  const markers: string[] = [];

  before(async () => {
    sshd = await startSshd();
    broker = await startTestBroker();
    const host = await broker.admin.create('/api/v1/ssh-hosts', {
      name: 'hypervisor-1',
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      privateKey: sshd.privateKeyPem,
    });
    sshHostId = host.id;
  });
  after(async () => {
    for (const m of markers) rmSync(m, { force: true });
    await broker?.stop();
    await sshd?.stop();
  });

  const action = (poolId: string, point: string, command: string, extra: Record<string, unknown> = {}) =>
    broker.admin.create('/api/v1/pool-actions', { poolId, point, sshHostId, command, ...extra });
  const runsOf = async (desktopId: string) => itemsOf(actionRunOut, await broker.admin.get(`/api/v1/action-runs?desktopId=${desktopId}`));

  it('an on-release action runs, its output, exit code and duration are recorded, and the desktop is free again', async () => {
    const hall = await lifecycleHall(broker, { desktops: ['desk-a'] });
    await action(hall.pool.id, 'on-release', 'echo reset {{desktop.name}} as "$(whoami)"; echo warn >&2');
    const clerk = await hall.clerk();
    const { body } = await clerk.login();
    await broker.lifecycle.redeemToken(body.tunnel.token);
    await broker.lifecycle.markActive(body.session.id, '$c');
    assert.equal((await clerk.client.post(`/api/v1/terminal/sessions/${body.session.id}/logoff`)).status, 200);

    // given back through `resetting`, free only once the action succeeded
    const desk = hall.desktops[0].id;
    const seen = await eventually(async () => (await desktopRow(broker, desk)).state === 'free' && (await runsOf(desk))[0]);
    assert.ok(seen);
    assert.equal(seen.outcome, 'ok');
    assert.equal(seen.exitCode, 0);
    assert.equal(seen.point, 'on-release');
    assert.equal(seen.stdout, `reset desk-a as ${sshd.user}`);
    assert.equal(seen.stderr, 'warn');
    assert.ok(seen.durationMs > 0 && seen.durationMs < 30_000, String(seen.durationMs));
    assert.equal(seen.command, 'echo reset {{desktop.name}} as "$(whoami)"; echo warn >&2');
    const freed = await auditOf(broker, 'desktop.free', desk);
    assert.deepEqual(
      freed.map((e) => e.details?.from),
      [['resetting']],
      'the move back to free is audited',
    );
    const audited = await auditOf(broker, 'desktop.action', desk);
    assert.equal(audited[0]?.details?.outcome, 'ok');
    assert.equal(audited[0]?.details?.runId, seen.id);

    // first use pinned the host key; the key is sealed at rest and never presented
    const pins = itemsOf(knownHostOut, await broker.admin.get(`/api/v1/ssh-known-hosts?host=${sshd.host}`));
    assert.deepEqual(
      pins.map((p) => [p.port, p.fingerprint, p.source]),
      [[sshd.port, sshd.hostKeyFingerprint, 'first-use']],
    );
    const host = (await broker.admin.get(`/api/v1/ssh-hosts/${sshHostId}`)).body;
    assert.equal(host.hasPrivateKey, true);
    assert.equal(host.hostKeyFingerprint, sshd.hostKeyFingerprint);
    assert.ok(!JSON.stringify(host).includes('PRIVATE KEY'));
    const [stored] = await broker.sequelize.query<{ private_key_enc: string }>('SELECT private_key_enc FROM ssh_hosts WHERE id = :id', {
      replacements: { id: sshHostId },
      type: QueryTypes.SELECT,
    });
    assert.match(stored!.private_key_enc, /^v1:/);
    assert.ok(!stored!.private_key_enc.includes('PRIVATE KEY'));
  });

  it('a failing before-assign action puts the desktop in error with the reason, never back into the free set', async () => {
    const hall = await lifecycleHall(broker, { desktops: ['bad'] });
    await action(hall.pool.id, 'before-assign', `[ {{desktop.name}} = 'bad' ] && { echo 'VM will not start' >&2; exit 3; }; echo pw={{oneTimePassword}}`);
    const first = await hall.clerk();
    const { body } = await first.login();
    await assert.rejects(broker.lifecycle.redeemToken(body.tunnel.token), (err) => isAppError(err, 'DESKTOP_PREPARE_FAILED'));

    const bad = await desktopRow(broker, hall.desktops[0].id);
    assert.equal(bad.state, 'error');
    assert.equal(bad.sessionId, null);
    assert.match(bad.stateReason, /before-assign action failed: exit code 3/);
    const [run] = await runsOf(bad.id);
    assert.ok(run, 'the failed run is recorded');
    assert.deepEqual([run.outcome, run.exitCode, run.stderr, run.sessionId], ['failed', 3, 'VM will not start', body.session.id]);
    const ended = await sessionRow(broker, body.session.id);
    assert.deepEqual([ended.state, ended.endReason], ['ended', 'desktop-prepare-failed']);

    // the broken desktop is not handed out again; a good one is, with a one-time password set by the action
    const second = await hall.clerk();
    assertError(await second.login(), 503, 'POOL_EXHAUSTED');
    const good = await hall.f.desktop(hall.pool.id, { name: 'good' });
    const again = await second.login();
    assert.equal(again.status, 201);
    const target = await broker.lifecycle.redeemToken(again.body.tunnel.token);
    assert.equal(target.desktop.id, good.id);
    const [ok] = await runsOf(good.id);
    assert.ok(ok, 'the successful run is recorded');
    assert.equal(ok.outcome, 'ok');
    assert.equal(ok.stdout, 'pw=[redacted]', 'the one-time password is not kept in the record');
    assert.match(target.desktop.password, /^Yz-[A-Za-z0-9x]{20}1$/);
    assert.notEqual(target.desktop.password, 'Desk-secret-1!');
  });

  it('a host that drops the connection under a running command: the run is recorded as failed, the desktop goes to error, and the next run works', async () => {
    const hall = await lifecycleHall(broker, { desktops: ['desk-drop'] });
    // the command kills its own sshd session process: the connection is reset under it
    await action(hall.pool.id, 'on-maintenance', 'kill -9 $PPID; sleep 5');
    const desk = hall.desktops[0].id;
    assert.equal((await broker.admin.patch(`/api/v1/desktops/${desk}`, { state: 'maintenance' })).status, 200);
    const run = await eventually(async () => (await runsOf(desk))[0]);
    assert.ok(run.outcome === 'failed' || run.outcome === 'error', `${run.outcome}: ${run.error}`);
    await eventually(async () => (await desktopRow(broker, desk)).state === 'error');
    // the broker still answers, and its next SSH run (another desktop) works
    const other = await lifecycleHall(broker, { desktops: ['desk-after-drop'] });
    await action(other.pool.id, 'on-maintenance', 'echo still here');
    assert.equal((await broker.admin.patch(`/api/v1/desktops/${other.desktops[0].id}`, { state: 'maintenance' })).status, 200);
    const next = await eventually(async () => (await runsOf(other.desktops[0].id)).find((r) => r.outcome === 'ok'));
    assert.equal(next.stdout, 'still here');
  });

  it('a changed host key is refused before the command runs; an admin pin of the new key lets it through', async () => {
    const hall = await lifecycleHall(broker, { desktops: ['desk-m'] });
    const marker = `/tmp/yz-marker-${randomUUID()}`;
    markers.push(marker);
    await action(hall.pool.id, 'on-maintenance', `touch ${marker}; echo done`);
    const desk = hall.desktops[0].id;
    const oldKey = sshd.hostKeyFingerprint;
    await sshd.rotateHostKey();
    assert.notEqual(sshd.hostKeyFingerprint, oldKey);

    // entering maintenance runs the on-maintenance action
    assert.equal((await broker.admin.patch(`/api/v1/desktops/${desk}`, { state: 'maintenance' })).status, 200);
    const refused = await eventually(async () => (await runsOf(desk))[0]);
    assert.ok(refused);
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.error ?? '', /host key mismatch/);
    assert.ok(refused.error?.includes(oldKey) && refused.error.includes(sshd.hostKeyFingerprint));
    assert.equal(existsSync(marker), false, 'the command never ran on the impostor');
    const d = await eventually(async () => {
      const row = await desktopRow(broker, desk);
      return row.state === 'error' && row;
    });
    assert.match(d.stateReason, /on-maintenance action refused: host key mismatch/);
    const mismatch = await auditOf(broker, 'ssh.host-key-mismatch', `${sshd.host}:${sshd.port}`);
    assert.equal(mismatch[0]?.details?.presented, sshd.hostKeyFingerprint);

    const pinned = await broker.admin.request('PUT', '/api/v1/ssh-known-hosts', { host: sshd.host, port: sshd.port, fingerprint: sshd.hostKeyFingerprint });
    assert.deepEqual([pinned.status, pinned.body.source], [200, 'admin']);
    const reset = await broker.admin.post(`/api/v1/desktops/${desk}/reset`, { to: 'maintenance', reason: 'host re-installed' });
    assert.equal(reset.body.state, 'maintenance');
    const ok = await eventually(async () => (await runsOf(desk)).find((r) => r.outcome === 'ok'));
    assert.ok(ok);
    assert.equal(ok.stdout, 'done');
    assert.equal(existsSync(marker), true);
    assert.equal((await desktopRow(broker, desk)).state, 'maintenance');
  });

  it('a timeout is enforced: the run ends at the limit and the desktop goes to error', async () => {
    const hall = await lifecycleHall(broker, { desktops: ['desk-t'] });
    await action(hall.pool.id, 'on-release', 'sleep 30; echo never', { timeoutSeconds: 1 });
    const clerk = await hall.clerk();
    const { body } = await clerk.login();
    const started = Date.now();
    await clerk.client.post(`/api/v1/terminal/sessions/${body.session.id}/logoff`);
    const desk = hall.desktops[0].id;
    const d = await eventually(
      async () => {
        const row = await desktopRow(broker, desk);
        return row.state === 'error' && row;
      },
      { timeoutMs: 20_000 },
    );
    const elapsed = Date.now() - started;
    const [run] = await runsOf(desk);
    assert.ok(run, 'the run is recorded');
    assert.equal(run.outcome, 'timeout');
    assert.equal(run.exitCode, null);
    assert.equal(run.stdout, '');
    assert.ok(run.durationMs >= 990 && run.durationMs < 10_000, `duration ${run.durationMs} ms`);
    assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
    assert.match(d.stateReason, /on-release action timeout: timed out after 1000 ms/);
  });

  it('SSH hosts and pool actions are validated and scoped like other resources; a town admin cannot use the county key', async () => {
    const hall = await lifecycleHall(broker);
    const typo = await broker.admin.post('/api/v1/pool-actions', { poolId: hall.pool.id, point: 'start', sshHostId, command: 'virsh start {{desktop.nmae}}' });
    assertError(typo, 400, 'VALIDATION_FAILED');
    await action(hall.pool.id, 'start', 'virsh start {{desktop.name}}');
    assertError(await broker.admin.post('/api/v1/pool-actions', { poolId: hall.pool.id, point: 'start', sshHostId, command: 'true' }), 409, 'CONFLICT');
    assertError(
      await broker.admin.post('/api/v1/ssh-hosts', { name: 'x', host: '127.0.0.1', username: 'root', privateKey: 'not a key' }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await broker.admin.delete(`/api/v1/ssh-hosts/${sshHostId}`), 409, 'IN_USE');
    assertError(await broker.admin.post(`/api/v1/desktops/${hall.desktops[0].id}/actions`, { point: 'on-release' }), 404, 'NOT_FOUND');

    // a town admin may not run commands with the county's SSH key, nor see town-less action runs of other sites
    const town = await hall.f.site({ parentId: hall.site.id, kind: 'town', name: '镇便民服务中心' });
    const townPool = await hall.f.pool(hall.department.id, town.id, [hall.gateway.id]);
    const townAdmin = await hall.f.account({ roles: ['site-admin'], homeSiteId: town.id, password: 'town-admin-pass-1' });
    const client = new ApiClient(broker.url);
    await client.login(townAdmin.username, 'town-admin-pass-1');
    assertError(await client.post('/api/v1/pool-actions', { poolId: townPool.id, point: 'start', sshHostId, command: 'true' }), 403, 'FORBIDDEN');
    const own = await client.create('/api/v1/ssh-hosts', {
      name: 'town-kvm',
      siteId: town.id,
      host: '127.0.0.1',
      username: 'ops',
      privateKey: sshd.privateKeyPem,
    });
    assert.equal((await client.post('/api/v1/pool-actions', { poolId: townPool.id, point: 'start', sshHostId: own.id, command: 'true' })).status, 201);
    assertError(
      await client.post('/api/v1/pool-actions', { poolId: hall.pool.id, point: 'on-release', sshHostId: own.id, command: 'true' }),
      400,
      'VALIDATION_FAILED',
    );
    assert.deepEqual((await client.get('/api/v1/action-runs')).body.items, []);
  });
});
