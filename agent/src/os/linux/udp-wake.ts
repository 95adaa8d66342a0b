import { createSocket } from 'node:dgram';
import { magicPacket } from '@yunzhuo/protocol/agent/wake-on-lan';
import type { WakeSender } from '../os-adapters.js';

/** Wake-on-LAN over UDP: one magic packet to the segment's broadcast address (broadcast allowed on the socket). */
export class UdpWakeSender implements WakeSender {
  async send(mac: string, broadcast: string, port: number): Promise<void> {
    await sendMagicPacket(mac, broadcast, port);
  }
}

export function sendMagicPacket(mac: string, address: string, port: number): Promise<void> {
  const packet = magicPacket(mac);
  const socket = createSocket('udp4');
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.setBroadcast(true);
      socket.send(packet, port, address, (err) => (err ? reject(err) : resolve()));
    });
  }).finally(() => socket.close());
}
