import { createSocket } from 'node:dgram';
import { magicPacket } from '@yunzhuo/protocol/agent/wake-on-lan';

/** One wake-on-LAN magic packet for `mac` to `address:port` over UDP (broadcast allowed on the socket). */
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
