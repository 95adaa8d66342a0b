import { createSocket } from 'node:dgram';
import { magicPacket } from '@yunzhuo/protocol/agent/wake-on-lan';

/** One wake-on-LAN magic packet for `mac` to `address:port` over UDP (broadcast allowed on the socket). */
export function sendMagicPacket(mac: string, address: string, port: number): Promise<void> {
  const packet = magicPacket(mac);
  const socket = createSocket('udp4');
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, () => {
      try {
        socket.setBroadcast(true);
        socket.send(packet, port, address, (err) => (err ? reject(err) : resolve()));
      } catch (err) {
        // a bad port or address throws here, inside the bind callback, where nothing would catch it
        reject(err as Error);
      }
    });
  }).finally(() => socket.close());
}
