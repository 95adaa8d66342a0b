import assert from 'node:assert/strict';
import { DeskLink } from '../../agent/src/desk/desk-link.js';
import { ZkIdrApi } from '../../agent/src/desk/zk-idr.api.js';
import { DeviceBridgeServer } from '../../agent/src/devices/device-bridge.server.js';
import { RatingPadDriver } from '../../agent/src/devices/rating-pad.driver.js';
import { SignaturePadDriver } from '../../agent/src/devices/signature-pad.driver.js';
import type { DeviceClass } from '../../protocol/src/devices/index.js';
import { channelThroughBridge } from '../helpers/bridge-channel.js';
import { PAD_SIZE, PadSimulator, SAMPLE_STROKES, strokesPng } from '../helpers/pad-simulator.js';

/** width × height from a PNG's IHDR */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('agent: the signature pad and the rating pad, from a page inside the desktop to the pad service on the terminal', function () {
  this.timeout(20_000);
  let signaturePad: PadSimulator;
  let ratingPad: PadSimulator;
  let bridge: DeviceBridgeServer;
  let bridgePort: number;
  const open: Array<{ close(): unknown }> = [];

  beforeEach(async () => {
    signaturePad = await PadSimulator.start('signature-pad');
    ratingPad = await PadSimulator.start('rating-pad');
    bridge = new DeviceBridgeServer([new SignaturePadDriver(signaturePad.baseUrl), new RatingPadDriver(ratingPad.baseUrl)]);
    bridgePort = await bridge.listen();
  });

  afterEach(async () => {
    for (const item of open.splice(0)) await item.close();
    await bridge.close();
    await signaturePad.close();
    await ratingPad.close();
  });

  /** the companion's API inside the desktop, its channel relayed to the bridge as the window page does */
  async function companion(classes: DeviceClass[]): Promise<string> {
    const { channel, ws } = await channelThroughBridge(`ws://127.0.0.1:${bridgePort}/?secret=${bridge.secret}`, classes);
    const link = new DeskLink(channel, { readSliceMs: 20 });
    const api = new ZkIdrApi(link);
    const port = await api.listen(0);
    open.push({ close: () => ws.close() }, link, api);
    return `http://127.0.0.1:${port}/yunzhuo/v1`;
  }

  const post = async (url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it("a signature: the picture (PNG of the pad's size) and every stroke, with the prompt shown on the pad", async () => {
    const api = await companion(['signature']);
    const { status, json } = await post(`${api}/signature/capture`, { prompt: '请在签字板上签名确认' });
    assert.equal(status, 200);
    assert.deepEqual({ ...json, image: undefined }, { mime: 'image/png', ...PAD_SIZE, strokes: SAMPLE_STROKES, image: undefined });
    const png = Buffer.from(String(json.image), 'base64');
    assert.deepEqual(pngSize(png), PAD_SIZE);
    assert.deepEqual(png, strokesPng(SAMPLE_STROKES));
    assert.deepEqual(signaturePad.calls, [{ action: 'capture', body: { prompt: '请在签字板上签名确认' } }]);
  });

  it("a rating: the pad is triggered with the case and the item, and the citizen's level comes back with its words", async () => {
    const api = await companion(['rating']);
    ratingPad.level = 2;
    const { status, json } = await post(`${api}/rating/invite`, { caseNumber: 'HT2026120300017', itemCode: '11370321MB2857390X' });
    assert.equal(status, 200);
    assert.deepEqual(json, { level: 2, label: '不满意' });
    assert.deepEqual(ratingPad.calls, [{ action: 'invite', body: { caseNumber: 'HT2026120300017', itemCode: '11370321MB2857390X' } }]);
  });

  it('clear refusals: class not enabled (the pad never touched), nobody signs in time, pad unplugged, a bad request', async () => {
    const onlyRating = await companion(['rating']);
    const disabled = await post(`${onlyRating}/signature/capture`, {});
    assert.deepEqual(
      [disabled.status, disabled.json],
      [403, { error: { code: 'DEVICE_CLASS_DISABLED', message: '本桌面池未启用该类窗口设备，请联系信息中心' } }],
    );
    assert.equal(signaturePad.calls.length, 0);

    const api = await companion(['signature', 'rating']);
    signaturePad.nobodyAnswers = true;
    const late = await post(`${api}/signature/capture`, {});
    assert.deepEqual([late.status, (late.json.error as { code: string }).code], [504, 'DEVICE_TIMEOUT']);
    ratingPad.present = false;
    const unplugged = await post(`${api}/rating/invite`, {});
    assert.deepEqual([unplugged.status, (unplugged.json.error as { code: string }).code], [404, 'DEVICE_ABSENT']);
    const bad = await post(`${api}/rating/invite`, { caseNumber: 'x'.repeat(65) });
    assert.deepEqual([bad.status, (bad.json.error as { code: string }).code], [400, 'DEVICE_REQUEST_INVALID']);
    const wrongMethod = await fetch(`${api}/rating/invite`);
    assert.equal(wrongMethod.status, 400);
  });

  it("reports each pad's health for the hall map: present with its model, absent once unplugged", async () => {
    assert.deepEqual(await bridge.health(), [
      { class: 'signature', state: 'present', model: 'SIM-SIGN-800' },
      { class: 'rating', state: 'present', model: 'SIM-RATE-5' },
    ]);
    signaturePad.present = false;
    await ratingPad.close();
    assert.deepEqual(await bridge.health(), [
      { class: 'signature', state: 'absent' },
      { class: 'rating', state: 'absent' },
    ]);
  });
});
