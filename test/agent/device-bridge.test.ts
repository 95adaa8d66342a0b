import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DeskLink } from '../../agent/src/desk/desk-link.js';
import { ZkIdrApi } from '../../agent/src/desk/zk-idr.api.js';
import { FfmpegCameraDriver, JpegSplitter, PREVIEW } from '../../agent/src/devices/camera.driver.js';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { ZkIdCardDriver } from '../../agent/src/devices/id-card.driver.js';
import type { DeviceClass } from '../../protocol/src/devices/index.js';
import { channelThroughBridge } from '../helpers/bridge-channel.js';
import { SAMPLE_CARD } from '../helpers/id-card-sample.js';
import { jpegSize } from '../helpers/jpeg-size.js';
import { ZkIdrSimulator } from '../helpers/zk-idr-simulator.js';

const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xd9]).toString('base64');
/** the camera: ffmpeg's test pattern at the size asked for */
const TEST_CAMERA = ['-f', 'lavfi', '-i', 'testsrc=size={width}x{height}:rate=1'];

describe('agent: window devices behind the loopback bridge', function () {
  this.timeout(60_000);
  let reader: ZkIdrSimulator;
  let bridge: DeviceBridgeServer;
  let bridgeUrl: string;
  const open: Array<{ close(): unknown }> = [];

  // as the agent does at start: the first ffmpeg start on a fresh machine reads its libraries from disk
  before(() => new FfmpegCameraDriver(TEST_CAMERA).warmUp());

  beforeEach(async () => {
    reader = await ZkIdrSimulator.start();
    reader.card = { ...SAMPLE_CARD, photoJpeg: PHOTO };
    bridge = new DeviceBridgeServer([new ZkIdCardDriver(reader.baseUrl), new FfmpegCameraDriver(TEST_CAMERA)]);
    bridgeUrl = `ws://127.0.0.1:${await bridge.listen()}/?secret=${bridge.secret}`;
  });

  afterEach(async () => {
    for (const item of open.splice(0)) await item.close();
    await bridge.close();
    await reader.close();
  });

  async function companion(classes: DeviceClass[]): Promise<DeskLink> {
    const { channel, ws } = await channelThroughBridge(bridgeUrl, classes);
    const link = new DeskLink(channel, { readSliceMs: 20 });
    open.push({ close: () => ws.close() }, link);
    return link;
  }

  it('refuses a socket without the secret, and puts port and secret in the kiosk fragment', async () => {
    const wrong = new WebSocket(bridgeUrl.replace(/secret=.*/, 'secret=guess'));
    const status = await new Promise<number>((resolve) => wrong.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 401);
    assert.match(bridge.fragment, new RegExp(`^devices=${new URL(bridgeUrl).port}\\.${bridge.secret}$`));
  });

  it("reads the card from the vendor service on the terminal, and the companion serves it in that vendor's format", async () => {
    const api = new ZkIdrApi(await companion(['idcard']));
    const base = `http://127.0.0.1:${await api.listen(0)}/ZKIDROnline`;
    open.push(api);
    const body = (await (await fetch(`${base}/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4&REPEAT=1`)).json()) as { ret: number; Certificate: Record<string, string> };
    assert.equal(body.ret, 0);
    assert.equal(body.Certificate.IDNumber, SAMPLE_CARD.idNumber);
    assert.equal(body.Certificate.Name, '张三');
    assert.equal(body.Certificate.Address, SAMPLE_CARD.address);
    assert.equal(body.Certificate.Base64Photo, PHOTO);
    assert.equal(reader.reads, 1);
  });

  it('answers with the vendor-neutral codes: no card, reader unplugged, class not enabled', async () => {
    const link = await companion(['camera']);
    await assert.rejects(link.request({ op: 'idcard.read', withPhoto: false }), { code: 'DEVICE_CLASS_DISABLED' });
    assert.equal(reader.reads, 0, 'the reader is never touched for a pool without the class');
    const allowed = await companion(['idcard']);
    reader.card = null;
    await assert.rejects(allowed.request({ op: 'idcard.read', withPhoto: false }), { code: 'CARD_NOT_PRESENT' });
    reader.readerPresent = false;
    await assert.rejects(allowed.request({ op: 'idcard.read', withPhoto: false }), { code: 'DEVICE_ABSENT' });
    await reader.close();
    await assert.rejects(allowed.request({ op: 'idcard.read', withPhoto: false }), { code: 'DEVICE_ABSENT' });
  });

  it('takes a 1920×1080 still from the camera (ffmpeg, test pattern as the camera) and lists the devices', async () => {
    const link = await companion(['camera']);
    const still = await link.request({ op: 'camera.still', width: 1920, height: 1080 });
    assert.equal(still.op, 'camera.still');
    assert.deepEqual(jpegSize(Buffer.from(still.op === 'camera.still' ? still.jpeg : '', 'base64')), { width: 1920, height: 1080 });
    const small = await link.request({ op: 'camera.still', width: 640, height: 480 });
    assert.deepEqual(jpegSize(Buffer.from(small.op === 'camera.still' ? small.jpeg : '', 'base64')), { width: 640, height: 480 });
    const list = await link.request({ op: 'devices.list' });
    assert.deepEqual(list, {
      op: 'devices.list',
      devices: [
        { class: 'idcard', state: 'present', model: 'ZKIDROnline' },
        { class: 'camera', state: 'present', model: 'testsrc' },
      ],
    });
  });

  it('the companion serves a camera still to pages in the desktop, and a clear error when the class is off', async () => {
    const api = new ZkIdrApi(await companion(['camera']));
    const base = `http://127.0.0.1:${await api.listen(0)}`;
    open.push(api);
    const res = await fetch(`${base}/yunzhuo/v1/camera/still?width=1280&height=720`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(jpegSize(Buffer.from(await res.arrayBuffer())), { width: 1280, height: 720 });
    const bad = await fetch(`${base}/yunzhuo/v1/camera/still?width=99999`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'DEVICE_REQUEST_INVALID');
    const noCamera = new ZkIdrApi(await companion(['idcard']));
    const other = `http://127.0.0.1:${await noCamera.listen(0)}`;
    open.push(noCamera);
    const refused = await fetch(`${other}/yunzhuo/v1/camera/still`);
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), { error: { code: 'DEVICE_CLASS_DISABLED', message: '本桌面池未启用该类窗口设备，请联系信息中心' } });
  });

  it("the camera's live preview for the page's side panel: JPEG frames of 640×360 on /preview with the secret, one after another; none without it", async () => {
    const previewUrl = bridgeUrl.replace('/?', '/preview?');
    const refused = new WebSocket(previewUrl.replace(/secret=.*/, 'secret=guess'));
    assert.equal(await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))), 401);
    const ws = new WebSocket(previewUrl);
    open.push({ close: () => ws.close() });
    const frames: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        frames.push(Buffer.from(data));
        if (frames.length === 2) resolve();
      });
      ws.once('close', () => reject(new Error('the preview closed')));
    });
    for (const frame of frames) assert.deepEqual(jpegSize(frame), { width: PREVIEW.width, height: PREVIEW.height });
  });

  it('cuts an MJPEG stream into its pictures wherever the chunks are split', () => {
    const a = Buffer.from([0xff, 0xd8, 1, 0xff, 0x00, 2, 0xff, 0xd9]);
    const b = Buffer.from([0xff, 0xd8, 3, 4, 0xff, 0xd9]);
    const stream = Buffer.concat([Buffer.from([9, 0xff]), a, b]);
    for (let cut = 0; cut <= stream.length; cut++) {
      for (let cut2 = cut; cut2 <= stream.length; cut2++) {
        const got: Buffer[] = [];
        const splitter = new JpegSplitter((jpeg) => got.push(jpeg));
        for (const part of [stream.subarray(0, cut), stream.subarray(cut, cut2), stream.subarray(cut2)]) splitter.push(part);
        assert.deepEqual(got, [a, b], `cut at ${cut} and ${cut2}`);
      }
    }
  });
});
