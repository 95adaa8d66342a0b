// Wake-on-LAN as a bulk terminal action (issue 17): each powered-off terminal's magic packet goes
// out through an online terminal on its segment (a real agent process, recording OS: it records
// and never sends), or from the broker itself when it is configured on the segment (a UDP
// receiver on 127.0.0.1 stands in for the segment); per-terminal results and audit rows.
import assert from 'node:assert/strict';
import { AgentProcess } from '../../agent/agent-kit.js';
import { Terminal } from '../../../broker/src/terminals/terminal.model.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { UdpReceiver } from '../../helpers/udp-receiver.js';

type Result = { terminalName: string; outcome: string; error: { code: string } | null; result: Record<string, unknown> | null };

describe('bulk wake-on-LAN and night power-off through real agents (issue 17)', function () {
  this.timeout(120_000);
  let broker: TestBroker;
  let receiver: UdpReceiver;
  let relay: AgentProcess;
  let relayNic: { mac: string; ipv4: string; netmask: string };
  let siteId: string;
  const f = () => new Factory(broker.admin);

  /** a terminal in service that is off, whose last heartbeat told this card */
  async function sleeper(name: string, windowId: string | null, nic: { mac: string; ipv4: string; netmask: string } | null) {
    const t = await f().terminal(siteId, windowId, { name });
    if (nic) await Terminal.update({ info: { nics: [nic] } }, { where: { id: t.id } });
    return t;
  }

  before(async () => {
    receiver = await UdpReceiver.open();
    broker = await startTestBroker({ dialect: 'sqlite', env: { YUNZHUO_WAKE_BROADCAST: `127.0.0.1:${receiver.port}` } });
    siteId = (await f().site({ code: 'WAKE', name: '唤醒中心' })).id;
    const token = (await broker.admin.create('/api/v1/join-tokens', { siteId, maxUses: 1 })).token as string;
    relay = await AgentProcess.start(broker.url, { joinToken: token, name: '终端-在线' });
    const relayId = await relay.terminalId(30_000);
    const w = await f().window(siteId, { code: 'N-01', area: '夜间区' });
    assert.equal((await broker.admin.patch(`/api/v1/terminals/${relayId}`, { windowId: w.id })).status, 200);
    relayNic = await eventually(
      async () => {
        const row = await Terminal.findByPk(relayId);
        const nics = (row?.info as { nics?: Array<{ mac: string; ipv4: string; netmask: string }> } | null)?.nics;
        return row?.online && nics?.[0];
      },
      { timeoutMs: 30_000 },
    );
  });
  after(async () => {
    await relay?.dispose();
    await broker?.stop();
    await receiver?.close();
  });

  it('wakes through the online terminal on the segment, else from the broker; a card never reported fails WAKE_NO_MAC', async () => {
    // on the relay's segment: one host address further up
    const sameSegmentIp = relayNic.ipv4.replace(/\d+$/, (n) => String((Number(n) % 250) + 2));
    const w1 = await f().window(siteId, { code: 'N-02', area: '夜间区' });
    const w2 = await f().window(siteId, { code: 'N-03', area: '夜间区' });
    const w3 = await f().window(siteId, { code: 'N-04', area: '夜间区' });
    await sleeper('终端-同网段', w1.id, { mac: '52:54:00:00:00:01', ipv4: sameSegmentIp, netmask: relayNic.netmask });
    await sleeper('终端-别的网段', w2.id, { mac: '52:54:00:00:00:02', ipv4: '198.51.100.7', netmask: '255.255.255.0' });
    await sleeper('终端-无MAC', w3.id, null);

    const res = await broker.admin.post('/api/v1/terminal-commands', { siteId, area: '夜间区', command: { type: 'wake' }, timeoutSeconds: 30 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const by = Object.fromEntries((res.body.results as Result[]).map((r) => [r.terminalName, r]));
    assert.deepEqual(Object.keys(by).sort(), ['终端-别的网段', '终端-同网段', '终端-在线', '终端-无MAC']);
    assert.deepEqual([by['终端-在线']!.outcome, by['终端-在线']!.result?.alreadyOnline], ['ok', true]);
    assert.deepEqual([by['终端-同网段']!.outcome, by['终端-同网段']!.result?.via, by['终端-同网段']!.result?.relay], ['ok', 'terminal', '终端-在线']);
    assert.deepEqual([by['终端-别的网段']!.outcome, by['终端-别的网段']!.result?.via], ['ok', 'broker']);
    assert.deepEqual([by['终端-无MAC']!.outcome, by['终端-无MAC']!.error?.code], ['failed', 'WAKE_NO_MAC']);
    assert.equal(res.body.succeeded, 3);

    // the relay agent was asked to send the packet to its segment's broadcast (recorded, never sent)
    const sent = await eventually(() => relay.records().find((r) => r.action === 'wake.send'));
    assert.equal(sent.args.mac, '52:54:00:00:00:01');
    assert.equal(sent.args.port, 9);
    assert.match(String(sent.args.broadcast), /^\d+\.\d+\.\d+\.\d+$/);
    // the broker sent the other one itself: the magic packet for 52:54:00:00:00:02
    await eventually(() => receiver.packets.length === 1);
    assert.equal(receiver.packets[0]!.toString('hex'), 'ff'.repeat(6) + '525400000002'.repeat(16));

    const rows = (await broker.admin.get('/api/v1/audit-events?action=terminal.wake&pageSize=50')).body.items;
    assert.equal(rows.length, 4, 'one terminal.wake row per terminal');
    assert.ok(rows.every((r: { details: { bulkId: string } }) => r.details.bulkId === res.body.bulkId));
    const [summary] = (await broker.admin.get(`/api/v1/audit-events?action=terminal.bulk-command&targetId=${siteId}`)).body.items;
    assert.deepEqual([summary.details.type, summary.details.total, summary.details.counts.ok], ['wake', 4, 3]);
  });

  it('power-off of the area: the online agent runs its power-off, the sleeping ones are reported offline', async () => {
    const res = await broker.admin.post('/api/v1/terminal-commands', { siteId, area: '夜间区', command: { type: 'shutdown' }, timeoutSeconds: 30 });
    assert.equal(res.status, 200);
    const by = Object.fromEntries((res.body.results as Result[]).map((r) => [r.terminalName, r]));
    assert.equal(by['终端-在线']!.outcome, 'ok');
    assert.equal(by['终端-同网段']!.outcome, 'offline');
    await eventually(() => relay.records().some((r) => r.action === 'power.shutdown'));
  });
});
