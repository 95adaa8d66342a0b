// What the demo stands in for when no real desktop stack runs: a guacd that speaks the
// handshake and draws a first frame (the protocol-level fake of the relay tests), an RDP port
// that accepts the health probes, and the window page's tunnel.
import net from 'node:net';
import WebSocket from 'ws';
import { encodeInstruction } from '@yunzhuo/protocol';
import { FakeGuacd, FIRST_FRAME, type FakeGuacdConnection } from '../../test/helpers/fake-guacd.js';

/** guacd sends a `sync` at least this often on a quiet screen (ms) */
const SYNC_EVERY_MS = 5000;

export async function startDemoGuacd(): Promise<FakeGuacd> {
  return FakeGuacd.start({
    version: 'VERSION_1_5_0', // guacd 1.5's handshake: no lost layer-0 size to work around
    afterReady: (conn: FakeGuacdConnection) => {
      conn.send(FIRST_FRAME);
      const timer = setInterval(() => conn.send(encodeInstruction('sync', Date.now())), SYNC_EVERY_MS);
      void conn.closed.then(() => clearInterval(timer));
    },
  });
}

export interface RdpPort {
  port: number;
  close(): Promise<void>;
}

/** A port that accepts TCP connections and closes them: an RDP listener to a probe. */
export async function startRdpPort(): Promise<RdpPort> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port nobody listens on (a desktop whose machine went away). */
export async function deadPort(): Promise<number> {
  const rdp = await startRdpPort();
  await rdp.close();
  return rdp.port;
}

/** The window page's tunnel: opens `/tunnel` with the token and answers guacd's syncs. */
export function openTunnel(baseUrl: string, token: string): WebSocket {
  const url = `${baseUrl.replace(/^http/, 'ws')}/tunnel?token=${encodeURIComponent(token)}&width=1920&height=1080&dpi=96`;
  const ws = new WebSocket(url, 'guacamole');
  ws.on('message', (data: Buffer) => {
    for (const m of data.toString().matchAll(/4\.sync,(\d+)\.(\d+)[,;]/g)) ws.send(encodeInstruction('sync', m[2] ?? '0'));
  });
  ws.on('error', () => undefined);
  return ws;
}
