// Stand-ins for town desktops, run inside the town's network namespace: on `host`, an echo
// port and a "stalled" port that accepts and never reads. Prints `{"echo":p,"stall":q}` once listening.
import net, { type AddressInfo } from 'node:net';

const host = process.argv[2] ?? '127.0.0.1';
const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
const echo = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => undefined);
  socket.pipe(socket);
});
const stall = net.createServer((socket) => {
  socket.on('error', () => undefined);
  socket.pause();
});
const ports = { echo: await listen(echo), stall: await listen(stall) };
process.stdout.write(`${JSON.stringify(ports)}\n`);
