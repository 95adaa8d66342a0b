// The fleet bench's floor: a bare `ws` server on /agent that greets each agent and acknowledges
// its heartbeats (one JSON.parse, one send) — no credential check, no schema, no database. The
// same terminals' heartbeats against it, in the same run, give what any broker must pay per
// heartbeat on this machine at that moment. Bundled like the broker; replies { port } over IPC.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { AGENT_PROTOCOL_VERSION, AGENT_SOCKET_PATH } from '@yunzhuo/protocol/agent/index';

const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: AGENT_SOCKET_PATH, perMessageDeflate: false });
const siteId = randomUUID();
wss.on('connection', (ws) => {
  const terminalId = randomUUID();
  ws.send(
    JSON.stringify({ type: 'welcome', protocolVersion: AGENT_PROTOCOL_VERSION, terminalId, siteId, windowId: null, name: terminalId, serverTime: Date.now() }),
  );
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type?: string; seq?: number };
    if (message.type === 'heartbeat') ws.send(JSON.stringify({ type: 'heartbeat-ack', seq: message.seq }));
  });
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
