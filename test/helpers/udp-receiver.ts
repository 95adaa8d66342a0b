import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/** A UDP socket on 127.0.0.1 port 0 that keeps every datagram it receives (wake-on-LAN tests). */
export class UdpReceiver {
  readonly packets: Buffer[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('message', (msg) => this.packets.push(msg));
  }

  static async open(): Promise<UdpReceiver> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new UdpReceiver(socket);
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
