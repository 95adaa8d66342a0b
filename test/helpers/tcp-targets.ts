import net, { type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP echo server (a stand-in for a desktop's RDP port) on `host`, port 0. */
export async function startEchoServer(host = '127.0.0.1'): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Sends `payload`, half-closes, and resolves with everything the peer sent back until it closed.
 * `timeoutMs`: give up (reject) when the whole exchange takes longer, e.g. over a link not yet back.
 */
export function roundTrip(port: number, payload: Buffer, host = '127.0.0.1', timeoutMs = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    if (timeoutMs > 0) socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('connect', () => socket.end(payload));
  });
}

/**
 * Sends `payload` and collects what comes back until the far end closes, where a reset also counts
 * as closing: a peer that closes without reading what arrived (a refused stream) resets the socket.
 */
export function bytesUntilClosed(port: number, payload: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('connect', () => socket.end(payload));
  });
}

/** Bytes 0..255 repeating, so a reordered or lost piece shows. */
export function pattern(bytes: number, seed = 0): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}
