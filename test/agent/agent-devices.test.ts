import assert from 'node:assert/strict';
import { DeskLink } from '../../agent/src/desk/desk-link.js';
import { cameraInput } from '../../agent/src/devices/window-devices.js';
import { channelThroughBridge } from '../helpers/bridge-channel.js';
import { eventually } from '../helpers/eventually.js';
import { SAMPLE_CARD } from '../helpers/id-card-sample.js';
import { ZkIdrSimulator } from '../helpers/zk-idr-simulator.js';
import { AgentProcess, FleetBroker } from './agent-kit.js';

describe('agent: window devices in the real agent process', function () {
  this.timeout(60_000);
  let fleet: FleetBroker;
  let reader: ZkIdrSimulator;
  let agent: AgentProcess;

  before(async () => {
    fleet = await FleetBroker.start();
    reader = await ZkIdrSimulator.start();
    reader.card = SAMPLE_CARD;
    const siteId = (await fleet.factory.site()).id;
    agent = await AgentProcess.start(fleet.url, {
      joinToken: (await fleet.joinToken(siteId)).token,
      env: {
        YUNZHUO_AGENT_DEVICES_ENABLED: 'true',
        YUNZHUO_AGENT_IDCARD_SERVICE_URL: reader.baseUrl,
        YUNZHUO_AGENT_CAMERA_DEVICE: 'lavfi:testsrc=size={width}x{height}:rate=1',
      },
    });
  });
  after(async () => {
    await agent.dispose();
    await reader.close().catch(() => undefined);
    await fleet.stop();
  });

  it("gives the window page the bridge's port and secret in the kiosk URL, and serves the reader through it", async () => {
    const opened = await eventually(
      () => {
        const action = agent.records().find((a) => a.action === 'kiosk.open');
        assert.ok(action, `no kiosk.open yet; stderr: ${agent.stderr}`);
        return String(action.args.url);
      },
      { timeoutMs: 20_000 },
    );
    const fragment = new URLSearchParams(new URL(opened).hash.slice(1));
    assert.equal(fragment.get('credential'), agent.identity.credential);
    const [port, secret] = (fragment.get('devices') ?? '').split('.');
    assert.match(port ?? '', /^\d+$/);
    assert.ok((secret ?? '').length >= 16);

    const { channel, ws } = await channelThroughBridge(`ws://127.0.0.1:${port}/?secret=${secret}`, ['idcard']);
    const link = new DeskLink(channel, { readSliceMs: 20 });
    try {
      const answer = await link.request({ op: 'idcard.read', withPhoto: false });
      assert.deepEqual(answer, { op: 'idcard.read', card: SAMPLE_CARD });
      await assert.rejects(link.request({ op: 'camera.still', width: 640, height: 480 }), { code: 'DEVICE_CLASS_DISABLED' });
    } finally {
      link.close();
      ws.close();
    }
  });

  it('reports its devices in the heartbeat: the terminal (hall map) shows each present, and the reader absent once its service stops', async () => {
    const id = await agent.terminalId();
    const shown = await eventually(
      async () => {
        const terminal = await fleet.terminal(id);
        assert.ok(terminal.devices);
        return terminal.devices;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    assert.deepEqual(shown, [
      { class: 'idcard', state: 'present', model: 'ZKIDROnline' },
      { class: 'camera', state: 'present', model: 'testsrc' },
    ]);
    await reader.close();
    await eventually(
      async () => {
        const terminal = await fleet.terminal(id);
        assert.deepEqual(
          terminal.devices?.map((d) => [d.class, d.state]),
          [
            ['idcard', 'absent'],
            ['camera', 'present'],
          ],
        );
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  });

  it('turns the camera setting into ffmpeg input', () => {
    assert.deepEqual(cameraInput('/dev/video2'), ['-f', 'v4l2', '-video_size', '{width}x{height}', '-i', '/dev/video2']);
    assert.deepEqual(cameraInput('lavfi:testsrc'), ['-f', 'lavfi', '-i', 'testsrc']);
  });
});
