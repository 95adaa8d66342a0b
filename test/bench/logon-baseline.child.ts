// The logon bench's baseline, in its own process like the broker: a bare Node HTTP server that
// does only what every login must do whatever the broker — parse the JSON body, check the
// terminal header, verify the password with the same hash and the same hash slots — and answers
// 201 with a small JSON body. No database, no brokering. Replies { port } over IPC.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPassword } from '../../broker/src/lib/passwords.js';

const stored = process.argv[2]!;
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    const { password } = JSON.parse(body) as { password: string };
    const terminal = /^Terminal\s+(\S+)$/.exec(String(req.headers.authorization ?? ''));
    void verifyPassword(password, stored).then((ok) => {
      const status = ok && terminal ? 201 : 401;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(ok ? { session: { id: terminal?.[1]?.slice(0, 36) }, tunnel: { token: 'x'.repeat(43) } } : { error: { code: 'INVALID_CREDENTIALS' } }),
      );
    });
  });
});
server.keepAliveTimeout = 5000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
