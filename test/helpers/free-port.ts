import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on now (taken from the OS, then given back). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
