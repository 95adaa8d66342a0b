import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { driveFileName, driveSettingsSchema } from '@yunzhuo/protocol/paper/drive';
import { poolSettingsSchema } from '@yunzhuo/protocol/api/common';
import { FileTransferMonitor, type FileTransfer } from '../../../broker/src/paper/file-transfer.monitor.js';
import { rdpParameters } from '../../../broker/src/tunnel/guacd-handshake.builder.js';
import { UpstreamPolicy } from '../../../broker/src/tunnel/upstream.policy.js';
import { settings, target } from '../tunnel/tunnel-test-kit.js';

const DISPLAY = { width: 1280, height: 720, dpi: 96 };
const drive = (overrides: object = {}) => driveSettingsSchema.parse(overrides);
const blob = (stream: string, bytes: Buffer) => ({ opcode: 'blob', args: [stream, bytes.toString('base64')] });

describe('paper: the window drive 窗口材料 and its file-transfer policy (relay)', () => {
  it('defaults: upload on, download off, 20 MiB, JPEG/PNG/PDF; a pool without it has no drive', () => {
    assert.deepEqual(drive(), { upload: true, download: false, maxBytes: 20 * 1024 * 1024, types: ['image/jpeg', 'image/png', 'application/pdf'] });
    assert.equal(poolSettingsSchema.parse({}).drive, undefined);
    assert.throws(() => driveSettingsSchema.parse({ types: ['not a type'] }));
  });

  it('names a file by China time, window and source', () => {
    assert.equal(driveFileName('窗口12', new Date('2026-12-04T00:30:12Z'), 'image/jpeg'), '20261204-083012-窗口12-高拍仪.jpg');
    assert.equal(driveFileName('A-012', new Date('2026-12-04T09:15:03Z'), 'image/jpeg', 'camera'), '20261204-171503-A-012-高拍仪.jpg');
    assert.equal(driveFileName('窗口/1 ', new Date('2026-12-04T16:00:00Z'), 'application/pdf', 'folder'), '20261205-000000-窗口_1_-扫描.pdf');
    assert.equal(driveFileName('', new Date('2026-12-04T16:00:00Z'), 'image/png', 'folder'), '20261205-000000-window-扫描.png');
    assert.equal(driveFileName('窗口12', new Date('2026-12-04T00:30:12Z'), 'image/jpeg', 'camera', 2), '20261204-083012-窗口12-高拍仪-2.jpg');
  });

  it("asks guacd for the drive with the session's own path, downloads off, only for a pool with the drive", () => {
    const withDrive = rdpParameters(target([], { settings: settings({ drive: drive() }), drive: { path: '/srv/drives/session-1' } }), DISPLAY);
    assert.equal(withDrive.get('enable-drive'), 'true');
    assert.equal(withDrive.get('drive-name'), '窗口材料');
    assert.equal(withDrive.get('drive-path'), '/srv/drives/session-1');
    assert.equal(withDrive.get('create-drive-path'), 'true');
    assert.equal(withDrive.get('disable-download'), 'true');
    assert.equal(withDrive.get('disable-upload'), 'false');
    assert.equal(rdpParameters(target([], { settings: settings({}) }), DISPLAY).get('enable-drive'), undefined);
  });

  it('lets an upload of an allowed type through and reports its name, size and SHA-256; ends it once', () => {
    const seen: FileTransfer[] = [];
    const policy = new UpstreamPolicy(settings({ drive: drive() }), { fileTransfers: (t) => seen.push(t) });
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(9000, 7), Buffer.from([0xff, 0xd9])]);
    assert.equal(policy.check({ opcode: 'put', args: ['0', '5', 'image/jpeg', '/A-012_20261204-171503.jpg'] }).kind, 'forward');
    assert.equal(policy.check(blob('5', jpeg.subarray(0, 6000))).kind, 'forward');
    assert.equal(policy.check(blob('5', jpeg.subarray(6000))).kind, 'forward');
    assert.equal(policy.check({ opcode: 'end', args: ['5'] }).kind, 'forward');
    assert.deepEqual(seen, [
      {
        direction: 'upload',
        outcome: 'sent',
        name: '/A-012_20261204-171503.jpg',
        mimetype: 'image/jpeg',
        bytes: jpeg.length,
        sha256: createHash('sha256').update(jpeg).digest('hex'),
      },
    ]);
  });

  it('refuses a type the pool does not list, a file over the limit and an upload with uploads off, each reported', () => {
    const seen: FileTransfer[] = [];
    const sink = (t: FileTransfer) => seen.push(t);
    const policy = new UpstreamPolicy(settings({ drive: drive({ maxBytes: 1024 }) }), { fileTransfers: sink });
    assert.equal(policy.check({ opcode: 'put', args: ['0', '3', 'application/x-msdownload', '/setup.exe'] }).kind, 'reject');
    assert.equal(policy.check({ opcode: 'file', args: ['4', 'image/png', 'big.png'] }).kind, 'forward');
    assert.equal(policy.check(blob('4', Buffer.alloc(1025))).kind, 'reject');
    const off = new UpstreamPolicy(settings({ drive: drive({ upload: false }) }), { fileTransfers: sink });
    assert.equal(off.check({ opcode: 'put', args: ['0', '6', 'image/jpeg', '/a.jpg'] }).kind, 'reject');
    assert.deepEqual(
      seen.map((t) => [t.direction, t.outcome, t.name, t.reason, t.sha256]),
      [
        ['upload', 'refused', '/setup.exe', 'type', null],
        ['upload', 'refused', 'big.png', 'size', null],
        ['upload', 'refused', '/a.jpg', 'upload-off', null],
      ],
    );
  });

  it('never lets a download reach guacd on a pool with downloads off, and reports the attempt; lets it through when allowed', () => {
    const seen: FileTransfer[] = [];
    const policy = new UpstreamPolicy(settings({ drive: drive() }), { fileTransfers: (t) => seen.push(t) });
    assert.equal(policy.check({ opcode: 'get', args: ['0', '/受理材料.pdf'] }).kind, 'drop');
    assert.deepEqual(seen, [
      { direction: 'download', outcome: 'refused', name: '/受理材料.pdf', mimetype: null, bytes: 0, sha256: null, reason: 'download-off' },
    ]);
    const open = new UpstreamPolicy(settings({ drive: drive({ download: true }) }));
    assert.equal(open.check({ opcode: 'get', args: ['0', '/a.pdf'] }).kind, 'forward');
  });

  it('a blob on a stream nobody opened closes the tunnel, drive or not', () => {
    const monitor = new FileTransferMonitor(drive(), () => {});
    assert.equal(monitor.owns('9'), false);
    const policy = new UpstreamPolicy(settings({ drive: drive() }));
    assert.equal(policy.check({ opcode: 'blob', args: ['9', 'AAAA'] }).kind, 'reject');
  });
});
