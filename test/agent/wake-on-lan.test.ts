// Wake-on-LAN (issue 17): the magic packet's bytes (6 × 0xFF, then the MAC 16 times) as a UDP
// receiver gets them from the agent's and the broker's senders; segments and broadcast addresses;
// the agent's power-off runs its configured command (a harmless one here).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { broadcastOf, MAGIC_PACKET_BYTES, macSchema, magicPacket, sameSegment } from '@yunzhuo/protocol/agent/wake-on-lan';
import { AGENT_PROTOCOL_MINOR_NICS, AGENT_PROTOCOL_VERSION, protocolMinor } from '@yunzhuo/protocol/agent/version';
import { loadAgentConfig } from '../../agent/src/config/agent-config.js';
import { LinuxPower } from '../../agent/src/os/linux/linux-power.js';
import { localNics } from '../../agent/src/os/linux/linux-system-info.js';
import { UdpWakeSender } from '../../agent/src/os/linux/udp-wake.js';
import { sendMagicPacket } from '../../broker/src/lib/wake-on-lan.js';
import { eventually } from '../helpers/eventually.js';
import { UdpReceiver } from '../helpers/udp-receiver.js';

const MAC = '52:54:00:AB:cd:0f';
const EXPECTED = Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => Buffer.from([0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f]))]);

describe('wake-on-LAN magic packets and the agent power-off command (issue 17)', () => {
  let receiver: UdpReceiver;
  beforeEach(async () => {
    receiver = await UdpReceiver.open();
  });
  afterEach(() => receiver.close());

  it('builds 102 bytes: six 0xFF then the MAC sixteen times; MACs with dashes or upper case are the same card', () => {
    assert.equal(MAGIC_PACKET_BYTES, 102);
    assert.deepEqual(magicPacket(MAC), EXPECTED);
    assert.deepEqual(magicPacket('52-54-00-ab-CD-0F'), EXPECTED);
    assert.equal(macSchema.parse('52-54-00-AB-CD-0F'), '52:54:00:ab:cd:0f');
    assert.throws(() => magicPacket('52:54:00:ab:cd'));
  });

  it("the agent's sender puts exactly those bytes on the wire (a UDP receiver on 127.0.0.1)", async () => {
    await new UdpWakeSender().send(MAC, '127.0.0.1', receiver.port);
    await eventually(() => receiver.packets.length === 1);
    assert.deepEqual(receiver.packets[0], EXPECTED);
  });

  it("the broker's own sender too (YUNZHUO_WAKE_BROADCAST)", async () => {
    await sendMagicPacket('aa:bb:cc:dd:ee:ff', '127.0.0.1', receiver.port);
    await eventually(() => receiver.packets.length === 1);
    assert.equal(receiver.packets[0]!.length, 102);
    assert.deepEqual(receiver.packets[0]!.subarray(0, 6), Buffer.alloc(6, 0xff));
    for (let i = 0; i < 16; i++) assert.equal(receiver.packets[0]!.subarray(6 + i * 6, 12 + i * 6).toString('hex'), 'aabbccddeeff');
  });

  it("the broker's sender rejects a bad port instead of throwing where nothing catches it", async () => {
    for (const port of [0, 70_000]) {
      await assert.rejects(sendMagicPacket('aa:bb:cc:dd:ee:ff', '127.0.0.1', port), { code: 'ERR_SOCKET_BAD_PORT' });
    }
    await sendMagicPacket('aa:bb:cc:dd:ee:ff', '127.0.0.1', receiver.port);
    await eventually(() => receiver.packets.length === 1);
  });

  it('the cards go only to a broker of agent protocol 1.1 or later (strict schemas)', () => {
    assert.equal(AGENT_PROTOCOL_VERSION, '1.1');
    assert.equal(protocolMinor('1.0'), 0);
    assert.ok(protocolMinor(AGENT_PROTOCOL_VERSION) >= AGENT_PROTOCOL_MINOR_NICS);
    assert.equal(protocolMinor('garbage'), 0);
  });

  it('finds the segment and its broadcast address', () => {
    const nic = { ipv4: '192.168.10.23', netmask: '255.255.255.0' };
    assert.equal(broadcastOf(nic), '192.168.10.255');
    assert.equal(broadcastOf({ ipv4: '10.20.30.40', netmask: '255.255.252.0' }), '10.20.31.255');
    assert.ok(sameSegment(nic, { ipv4: '192.168.10.200' }));
    assert.ok(!sameSegment(nic, { ipv4: '192.168.11.2' }));
  });

  it('reports the IPv4 cards with a real MAC (never loopback)', () => {
    for (const nic of localNics()) {
      assert.notEqual(nic.ipv4, '127.0.0.1');
      assert.match(nic.mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    }
  });

  it('powers off with the configured command (systemctl poweroff by default); a delay still goes to logind', async () => {
    assert.equal(loadAgentConfig(['--broker-url', 'http://127.0.0.1:1'], {}).powerOffCommand, 'systemctl poweroff');
    const dir = mkdtempSync(path.join(tmpdir(), 'yz-poweroff-'));
    try {
      const marker = path.join(dir, 'powered-off');
      const config = loadAgentConfig(['--broker-url', 'http://127.0.0.1:1', '--power-off-command', `touch ${marker}`], {});
      await new LinuxPower(Date.now, config.powerOffCommand).shutdown(0);
      assert.ok(existsSync(marker), 'the harmless command ran');
      await assert.rejects(new LinuxPower(Date.now, 'false').shutdown(0), /false/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
