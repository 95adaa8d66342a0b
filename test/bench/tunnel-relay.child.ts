// One relay under test, in its own process so its CPU and RSS are its own. Bundled as the broker
// ships (bench-bundle.ts) and started by tunnel.bench.ts with `fork` under plain node; talks over IPC:
//   parent → { cmd: 'start', kind, guacdPort }   child → { port }
//   parent → { cmd: 'memory' }                   child → { rss, heapUsed, young } after full GCs
//   parent → { cmd: 'live' }                     child → { live } (our tunnel only)
import http, { type Server } from 'node:http';
import v8 from 'node:v8';
import net, { type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { WebSocketServer, type WebSocket } from 'ws';
import { pino } from 'pino';
import { poolSettingsSchema } from '@yunzhuo/protocol/api/common';
import { encodeInstruction } from '@yunzhuo/protocol';
import { systemClock } from '../../broker/src/lib/clock.js';
import { createTunnelServer, type TunnelServer } from '../../broker/src/tunnel/tunnel.server.js';
import type { TunnelBroker } from '../../broker/src/tunnel/tunnel-target.js';
import { LITE_KEY, type RelayKind } from './tunnel-bench.kinds.js';

type Request = { cmd: 'start'; kind: RelayKind; guacdPort: number } | { cmd: 'memory' } | { cmd: 'live' };

const HIGH_WATER = 1024 * 1024;

/** (a) pipes guacd's bytes to WebSocket frames as they come, no parsing; writes a canned handshake blind. */
function startTcpRelay(server: Server, guacdPort: number): void {
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const handshake =
    encodeInstruction('select', 'rdp') +
    encodeInstruction('size', 1024, 768, 96) +
    encodeInstruction('audio') +
    encodeInstruction('video') +
    encodeInstruction('image', 'image/png') +
    encodeInstruction('connect', 'VERSION_1_3_0');
  wss.on('connection', (ws: WebSocket) => {
    const guacd = net.connect({ port: guacdPort, host: '127.0.0.1' });
    guacd.setNoDelay(true);
    guacd.write(handshake);
    let paused = false;
    const onSent = (): void => {
      if (paused && ws.bufferedAmount < HIGH_WATER / 4) {
        paused = false;
        guacd.resume();
      }
    };
    guacd.on('data', (chunk: Buffer) => {
      ws.send(chunk, { binary: false }, onSent);
      if (!paused && ws.bufferedAmount > HIGH_WATER) {
        paused = true;
        guacd.pause();
      }
    });
    ws.on('message', (data: Buffer) => guacd.write(data));
    guacd.on('close', () => ws.close());
    guacd.on('error', () => ws.terminate());
    ws.on('close', () => guacd.destroy());
  });
}

/** (b) ours, with a stub engine that hands every token the fake guacd. */
function startOurs(server: Server, guacdPort: number): TunnelServer {
  let sessions = 0;
  const broker: TunnelBroker = {
    redeemToken: async () => ({
      sessionId: `bench-${++sessions}`,
      terminalId: null,
      gateways: [{ id: 'gw', host: '127.0.0.1', port: guacdPort }],
      desktop: { id: 'd', host: '10.0.0.1', port: 3389, username: 'u', password: 'p' },
      settings: poolSettingsSchema.parse({}),
      recording: null,
    }),
    markConnecting: async () => {},
    markActive: async () => {},
    markClosed: async () => {},
    reportGatewayFailure: async () => {},
  };
  // Idle tunnels of the RSS probe send no pings; keep them open for the whole probe.
  const tunnels = createTunnelServer({ broker, logger: pino({ level: 'silent' }), clock: systemClock, limits: { browserIdleMs: 10 * 60_000 } });
  server.on('upgrade', (req, socket, head) => tunnels.handleUpgrade(req, socket, head));
  return tunnels;
}

/** (c) guacamole-lite 1.2.0 as its README sets it up. */
function startGuacamoleLite(server: Server, guacdPort: number): void {
  const require = createRequire(import.meta.url);
  console.log = () => {}; // it prints a line per connection whatever its log level
  const GuacamoleLite = require('guacamole-lite') as new (ws: object, guacd: object, client: object) => unknown;
  new GuacamoleLite(
    { server },
    { host: '127.0.0.1', port: guacdPort },
    {
      crypt: { cypher: 'AES-256-CBC', key: LITE_KEY },
      log: { level: 0 }, // QUIET; the string 'QUIET' is mapped to 0, which it then treats as unset
      maxInactivityTime: 0,
    },
  );
}

let tunnels: TunnelServer | null = null;

process.on('message', (message: Request) => {
  const reply = (value: object): void => void process.send?.(value);
  if (message.cmd === 'memory') {
    const gc: unknown = Reflect.get(globalThis, 'gc'); // present with --expose-gc
    const collect = (): void => {
      if (typeof gc === 'function') for (let i = 0; i < 4; i++) gc();
    };
    collect();
    setTimeout(() => {
      collect();
      const usage = process.memoryUsage();
      // The young generation's size is a VM-wide heuristic (forced GCs shrink it, allocation regrows it).
      const young = v8
        .getHeapSpaceStatistics()
        .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
        .reduce((sum, space) => sum + space.physical_space_size, 0);
      reply({ rss: usage.rss, heapUsed: usage.heapUsed, young });
    }, 300);
  } else if (message.cmd === 'live') {
    reply({ live: tunnels?.liveCount() ?? -1 });
  } else {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    if (message.kind === 'tcp-relay') startTcpRelay(server, message.guacdPort);
    else if (message.kind === 'ours') tunnels = startOurs(server, message.guacdPort);
    else startGuacamoleLite(server, message.guacdPort);
    server.listen(0, '127.0.0.1', () => reply({ port: (server.address() as AddressInfo).port }));
  }
});
process.on('disconnect', () => process.exit(0));
