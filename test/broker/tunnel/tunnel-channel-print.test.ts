import assert from 'node:assert/strict';
import { encodeDeviceFrame, type DeviceFrame } from '@yunzhuo/protocol/devices/index';
import { rdpParameters } from '../../../broker/src/tunnel/guacd-handshake.builder.js';
import { UpstreamPolicy } from '../../../broker/src/tunnel/upstream.policy.js';
import { settings, target } from './tunnel-test-kit.js';

const pipe = { opcode: 'pipe', args: ['1', 'application/octet-stream', 'YZDEV'] };
const blob = (frame: DeviceFrame) => ({ opcode: 'blob', args: ['1', encodeDeviceFrame(frame).toString('base64')] });
const printed: DeviceFrame = {
  kind: 'response',
  requestId: 7,
  body: { op: 'print.submit', job: 'a1b2', ok: true, jobId: 'counter-3', pages: 1, bytes: 1200 },
};
const partTaken: DeviceFrame = { kind: 'response', requestId: 6, body: { op: 'print.part', job: 'a1b2', received: 1200 } };

describe('tunnel: the channel path of printing (docs/PAPER.md)', () => {
  it('asks guacd for the YZDEV channel for a pool with the window printer and no device', () => {
    const params = rdpParameters(target([], { settings: settings({ printing: true }) }), { width: 1280, height: 720, dpi: 96 });
    assert.equal(params.get('static-channels'), 'YZDEV');
    assert.equal(params.get('enable-printing'), 'true');
    const plain = rdpParameters(target([], { settings: settings({}) }), { width: 1280, height: 720, dpi: 96 });
    assert.equal(plain.get('static-channels'), undefined);
  });

  it("lets the window's print answers through for a pool with the window printer, without a device audit row", () => {
    const uses: unknown[] = [];
    const policy = new UpstreamPolicy(settings({ printing: true }), { deviceUses: (use) => uses.push(use) });
    assert.equal(policy.check(pipe).kind, 'forward');
    assert.equal(policy.check(blob(partTaken)).kind, 'forward');
    assert.equal(policy.check(blob(printed)).kind, 'forward');
    assert.deepEqual(uses, [], 'the page reports each print to the paper audit itself');
  });

  it('refuses a print answer on a pool whose devices are on but the window printer off', () => {
    const policy = new UpstreamPolicy(settings({ devices: ['idcard'] }));
    assert.equal(policy.check(pipe).kind, 'forward');
    assert.equal(policy.check(blob(printed)).kind, 'reject');
    assert.equal(new UpstreamPolicy(settings({})).check(pipe).kind, 'reject', 'no channel at all without devices or printing');
  });
});
