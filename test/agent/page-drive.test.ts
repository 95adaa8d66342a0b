// Scans into the desktop without a browser or guacd: the window page's drive logic
// (console/src/terminal/paper/window-drive.ts) asks the agent's device bridge for a camera still
// (ffmpeg's test source) or the scanner folder's newest file, checks the pool's policy, names the
// file and writes it on a guacd-like `file` stream that acks like guacd (start, then each blob).
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { FfmpegCameraDriver } from '../../agent/src/devices/camera.driver.js';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { cameraInput } from '../../agent/src/devices/window-devices.js';
import { WindowDrive, type DriveOutputStream, type DrivePolicy, type ScanSocket } from '../../console/src/terminal/paper/window-drive.js';
import { jpegSize } from '../helpers/jpeg-size.js';
import { samplePdf } from '../helpers/pdf-sample.js';

/** guacd's side of an upload: `file` opens a stream (acked), each blob is written and acked; `refuse` fails the start */
class GuacdUploads {
  readonly files: Array<{ mimetype: string; name: string; blobs: number; bytes: Buffer; ended: boolean; maxAhead: number }> = [];
  refuse: string | null = null;

  createFileStream(mimetype: string, name: string): DriveOutputStream {
    const file = { mimetype, name, blobs: 0, bytes: Buffer.alloc(0), ended: false, maxAhead: 0 };
    this.files.push(file);
    let unacked = 0;
    const ack = (message: string, code: number) => setImmediate(() => stream.onack?.({ code, message, isError: () => code >= 0x100 }));
    const stream: DriveOutputStream = {
      onack: null,
      sendBlob: (data) => {
        file.blobs++;
        unacked++;
        file.maxAhead = Math.max(file.maxAhead, unacked);
        file.bytes = Buffer.concat([file.bytes, Buffer.from(data, 'base64')]);
        setImmediate(() => {
          unacked--;
          stream.onack?.({ code: 0, message: 'OK (DATA RECEIVED)', isError: () => false });
        });
      },
      sendEnd: () => (file.ended = true),
    };
    if (this.refuse) ack(this.refuse, 0x207);
    else ack('OK (STREAM BEGIN)', 0);
    return stream;
  }
}

const POLICY: DrivePolicy = { upload: true, maxBytes: 20 * 1024 * 1024, types: ['image/jpeg', 'image/png', 'application/pdf'] };
const AT = new Date('2026-12-04T00:30:12Z');

describe('window page: scans into the desktop’s drive 窗口材料 (agent bridge, policy, names, guacd acks)', function () {
  this.timeout(60_000);
  let bridge: DeviceBridgeServer;
  let bridgeUrl: string;
  let scanner: string;

  before(async () => {
    scanner = await mkdtemp(path.join(tmpdir(), 'yz-scanner-'));
    const camera = new FfmpegCameraDriver(cameraInput('lavfi:testsrc=size={width}x{height}:rate=1'));
    bridge = new DeviceBridgeServer([camera], null, scanner);
    bridgeUrl = `ws://127.0.0.1:${await bridge.listen()}/?secret=${bridge.secret}`;
  });
  after(async () => {
    await bridge?.close();
    await rm(scanner, { recursive: true, force: true });
  });

  const driveWith = (guacd: GuacdUploads | null, overrides: { policy?: DrivePolicy; bridgeUrl?: string | null } = {}) => {
    const drive = new WindowDrive({
      bridgeUrl: overrides.bridgeUrl === undefined ? bridgeUrl : overrides.bridgeUrl,
      policy: overrides.policy ?? POLICY,
      windowName: '窗口12',
      openSocket: (url) => new WebSocket(url) as unknown as ScanSocket,
      now: () => AT,
    });
    drive.attach(guacd);
    return drive;
  };

  it('拍照送入桌面: a 1920×1080 still, named by time, window and source, every byte on the stream, at most 32 blobs ahead of the acks', async () => {
    const guacd = new GuacdUploads();
    const drive = driveWith(guacd);
    assert.equal(drive.ready, true);
    const sent = await drive.send('camera');
    assert.equal(sent.name, '20261204-083012-窗口12-高拍仪.jpg');
    const [file] = guacd.files;
    assert.equal(file!.name, sent.name);
    assert.equal(file!.mimetype, 'image/jpeg');
    assert.equal(file!.bytes.length, sent.bytes);
    assert.deepEqual(jpegSize(file!.bytes), { width: 1920, height: 1080 });
    assert.equal(file!.ended, true);
    assert.equal(file!.blobs, Math.ceil(sent.bytes / 6048));
    assert.ok(file!.maxAhead <= 32, `at most 32 blobs ahead, saw ${file!.maxAhead}`);
    // a second still in the same second must not replace the first in the drive
    const again = await drive.send('camera');
    assert.equal(again.name, '20261204-083012-窗口12-高拍仪-2.jpg');
    assert.deepEqual(
      guacd.files.map((f) => f.name),
      [sent.name, again.name],
    );
  });

  it('扫描件送入桌面: the scanner folder’s newest JPEG/PNG/PDF, byte for byte; an empty folder is said plainly', async () => {
    const guacd = new GuacdUploads();
    const drive = driveWith(guacd);
    await assert.rejects(drive.send('folder'), /扫描文件夹中没有可发送的文件/);
    const pdf = samplePdf(['扫描件 0001']);
    await writeFile(path.join(scanner, 'notes.txt'), 'not a scan');
    await writeFile(path.join(scanner, 'scan0001.pdf'), pdf);
    await writeFile(path.join(scanner, 'scan0000.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    await utimes(path.join(scanner, 'scan0000.png'), new Date(AT.getTime() - 60_000), new Date(AT.getTime() - 60_000));
    const sent = await drive.send('folder');
    assert.equal(sent.name, '20261204-083012-窗口12-扫描.pdf');
    assert.equal(sent.original, 'scan0001.pdf');
    assert.deepEqual(guacd.files[0]!.bytes, pdf);
  });

  it('refuses before sending: a type or size the pool does not allow, no connection, no bridge; guacd’s refusal is shown', async () => {
    const guacd = new GuacdUploads();
    await assert.rejects(driveWith(guacd, { policy: { ...POLICY, types: ['application/pdf'] } }).send('camera'), /不允许送入此类文件（image\/jpeg）/);
    await assert.rejects(driveWith(guacd, { policy: { ...POLICY, maxBytes: 1024 } }).send('camera'), /文件太大/);
    assert.equal(guacd.files.length, 0);
    const offline = driveWith(null);
    assert.equal(offline.ready, false);
    await assert.rejects(offline.send('camera'), /桌面未连接/);
    await assert.rejects(driveWith(guacd, { bridgeUrl: null }).send('camera'), /终端未启用窗口设备/);
    guacd.refuse = 'FAIL (CANNOT OPEN)';
    await assert.rejects(driveWith(guacd).send('camera'), /^DriveSendError: 桌面拒绝了文件：桌面未映射窗口材料盘$/);
  });

  it('a bridge without a camera or a scanner folder says so', async () => {
    const bare = new DeviceBridgeServer([]);
    const url = `ws://127.0.0.1:${await bare.listen()}/?secret=${bare.secret}`;
    try {
      const drive = driveWith(new GuacdUploads(), { bridgeUrl: url });
      await assert.rejects(drive.send('camera'), /终端未连接高拍仪/);
      await assert.rejects(drive.send('folder'), /终端未设置扫描文件夹/);
    } finally {
      await bare.close();
    }
  });
});
