// Each session's window drive 窗口材料 on the guacd host goes when the session ends, and on start
// the drives of sessions that ended meanwhile go too (docs/PAPER.md).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WindowDrives } from '../../../broker/src/paper/window-drives.js';
import { createLogger } from '../../../broker/src/lib/logger.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const PASS = 'clerk-pass-1';

describe('paper: each session’s window drive is removed when the session ends', () => {
  let broker: TestBroker;
  let f: Factory;
  let drives: string;

  before(async () => {
    drives = await mkdtemp(path.join(tmpdir(), 'yz-drives-'));
    broker = await startTestBroker({ env: { YUNZHUO_WINDOW_DRIVE_DIR: drives } });
    f = new Factory(broker.admin);
  });
  after(async () => {
    await broker.stop();
    await rm(drives, { recursive: true, force: true });
  });

  /** a clerk's session on a pool with the drive, and the drive directory guacd would have made, with a scan in it */
  const sessionWithScan = async () => {
    const hall = await f.hall({ desktops: 1, poolOverrides: { settings: { drive: {} } } });
    const clerk = await f.account({ departmentIds: [hall.department.id] });
    const { client } = await f.windowWithTerminal(hall.site.id);
    const res = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: PASS });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.session.drive, { upload: true, maxBytes: 20 * 1024 * 1024, types: ['image/jpeg', 'image/png', 'application/pdf'] });
    const id: string = res.body.session.id;
    const target = await broker.lifecycle.redeemToken(res.body.tunnel.token);
    assert.equal(target.drive?.path, path.join(drives, id));
    // made by the broker before guacd is asked, group-shared (setgid 2770) so that the broker can empty what guacd fills
    assert.equal((await stat(target.drive!.path)).mode & 0o7777, 0o2770);
    await mkdir(path.join(target.drive!.path, 'Download'), { recursive: true });
    await writeFile(path.join(target.drive!.path, '20261204-083012-窗口12-高拍仪.jpg'), Buffer.alloc(1000, 1));
    await broker.lifecycle.markActive(id, '$c');
    return { client, id, dir: target.drive!.path };
  };

  it('a logoff removes the drive with its scans; an admin’s end does too; a live session keeps its own', async () => {
    const a = await sessionWithScan();
    const b = await sessionWithScan();
    const c = await sessionWithScan();
    assert.equal((await a.client.post(`/api/v1/terminal/sessions/${a.id}/logoff`)).status, 200);
    await eventually(async () => !existsSync(a.dir));
    assert.equal((await broker.admin.post(`/api/v1/sessions/${b.id}/end`)).status, 200);
    await eventually(async () => !existsSync(b.dir));
    assert.ok(existsSync(path.join(c.dir, '20261204-083012-窗口12-高拍仪.jpg')), 'the live session’s scan stays');
    await c.client.post(`/api/v1/terminal/sessions/${c.id}/logoff`);
    await eventually(async () => !existsSync(c.dir));
  });

  it('on start: the drives of ended sessions go; a live session’s, an unknown uuid’s and anything not a session’s stay', async () => {
    const live = await sessionWithScan();
    const ended = await sessionWithScan();
    // ended while no broker watched: its directory is still there
    const quiet = new WindowDrives(drives, createLogger('silent'));
    await broker.lifecycle.end(ended.id, null, 'logoff');
    // the running broker removes the drive on end, on its own time: once it has, the directory
    // is made again as a broker that was down would have found it (not raced by that removal)
    await eventually(() => !existsSync(ended.dir));
    await mkdir(ended.dir, { recursive: true });
    await writeFile(path.join(ended.dir, 'left.jpg'), 'x');
    const unknown = path.join(drives, '0b6f1d7e-1111-4222-8333-944455556666');
    await mkdir(unknown);
    const notASession = path.join(drives, 'keep-me');
    await mkdir(notASession);

    assert.equal(await quiet.sweep(), 1);
    assert.equal(existsSync(ended.dir), false);
    assert.ok(existsSync(unknown), 'a directory no session of this database names is not ours to remove');
    assert.ok(existsSync(live.dir));
    assert.ok(existsSync(notASession));
    assert.throws(() => quiet.pathOf('../etc'), /not a session id/);
  });
});
