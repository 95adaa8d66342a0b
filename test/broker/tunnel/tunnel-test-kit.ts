// Shared by the tunnel tests: a recording stub of the brokering engine, a real HTTP server on
// port 0 routing /tunnel upgrades to the relay, and a `ws` client that keeps what it receives.
import assert from 'node:assert/strict';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { pino, type Logger } from 'pino';
import { GuacDecoder, INTERNAL_OPCODE, encodeInstruction, instructionSpans, type Instruction } from '@yunzhuo/protocol';
import { poolSettingsSchema, type PoolSettings } from '@yunzhuo/protocol/api/common';
import type { DeviceUse } from '../../../broker/src/devices/device-use.js';
import { AppError } from '../../../broker/src/lib/app-error.js';
import type { TunnelBroker, TunnelTarget } from '../../../broker/src/tunnel/tunnel-target.js';
import { createTunnelServer, type TunnelServer } from '../../../broker/src/tunnel/tunnel.server.js';
import type { TunnelLimits } from '../../../broker/src/tunnel/tunnel.limits.js';
import { eventually } from '../../helpers/eventually.js';
import { FakeGuacd, type FakeGuacdConnection } from '../../helpers/fake-guacd.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** Pacing only (e.g. to make guacd's writes separate reads); never to wait for something NOT to happen. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the code under test has armed a timer that fires within `ms` (it arms it on some
 * I/O, e.g. guacd's `ready`). A test then advances to one tick before the limit and one after.
 */
export async function armed(clock: ManualClock, ms: number): Promise<void> {
  await eventually(() => {
    assert.ok((clock.pending()[0] ?? Infinity) <= ms, `no timer due within ${ms} ms; pending: ${clock.pending().join(', ')}`);
    return true;
  });
}

export function settings(overrides: Partial<PoolSettings> = {}): PoolSettings {
  return { ...poolSettingsSchema.parse({}), ...overrides };
}

export function target(gateways: Array<FakeGuacd | { host: string; port: number }>, overrides: Partial<TunnelTarget> = {}): TunnelTarget {
  return {
    sessionId: 'session-1',
    terminalId: 'terminal-1',
    gateways: gateways.map((g, i) => ({ id: `gateway-${i + 1}`, host: g.host, port: g.port })),
    desktop: { id: 'desktop-1', host: '10.0.0.12', port: 3389, username: 'clerk01', password: 'S3cret,pa;ss.口令' },
    settings: settings(),
    recording: null,
    ...overrides,
  };
}

export interface BrokerCall {
  method: keyof TunnelBroker;
  args: unknown[];
}

/** Records every call; a token maps to a target or to an AppError. */
export class StubBroker implements TunnelBroker {
  readonly calls: BrokerCall[] = [];
  readonly tokens = new Map<string, TunnelTarget | AppError>();

  called(method: keyof TunnelBroker): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async redeemToken(token: string): Promise<TunnelTarget> {
    this.calls.push({ method: 'redeemToken', args: [token] });
    const found = this.tokens.get(token);
    if (found === undefined) throw new AppError('TOKEN_INVALID');
    if (found instanceof AppError) throw found;
    return found;
  }

  async markConnecting(sessionId: string, gatewayId: string): Promise<void> {
    this.calls.push({ method: 'markConnecting', args: [sessionId, gatewayId] });
  }

  async markActive(sessionId: string, connectionId: string): Promise<void> {
    this.calls.push({ method: 'markActive', args: [sessionId, connectionId] });
  }

  async markClosed(sessionId: string, reason: string): Promise<void> {
    this.calls.push({ method: 'markClosed', args: [sessionId, reason] });
  }

  async reportGatewayFailure(gatewayId: string, code: string, detail: string): Promise<void> {
    this.calls.push({ method: 'reportGatewayFailure', args: [gatewayId, code, detail] });
  }

  async touch(sessionId: string): Promise<void> {
    this.calls.push({ method: 'touch', args: [sessionId] });
  }

  async recordDeviceUse(sessionId: string, use: DeviceUse): Promise<void> {
    this.calls.push({ method: 'recordDeviceUse', args: [sessionId, use] });
  }
}

export interface RelayUnderTest {
  tunnels: TunnelServer;
  broker: StubBroker;
  /** the relay's only time: it moves when a test advances it */
  clock: ManualClock;
  url: string;
  close(): Promise<void>;
}

/**
 * The relay on a manual clock: no timeout fires unless the test advances it.
 * `parkDesktops`: as the broker runs it (a leaving browser's desktop, or one whose size guacd lost, is parked and joined).
 */
export async function startRelay(
  limits: Partial<TunnelLimits> = {},
  options: { parkDesktops?: boolean | { maxParkMs: number }; logger?: Logger } = {},
): Promise<RelayUnderTest> {
  const broker = new StubBroker();
  const clock = new ManualClock();
  const tunnels = createTunnelServer({
    broker,
    logger: options.logger ?? pino({ level: 'silent' }),
    clock,
    limits,
    parkDesktops: options.parkDesktops ?? false,
  });
  const server: Server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === '/tunnel') tunnels.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tunnels,
    broker,
    clock,
    url: `ws://127.0.0.1:${port}/tunnel`,
    async close() {
      await tunnels.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A browser stand-in: the same `ws` package, subprotocol `guacamole`, keeping every message. */
export class TunnelClient {
  readonly messages: Buffer[] = [];
  readonly instructions: Instruction[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  #decoder = new GuacDecoder();
  #pings = 0;

  constructor(readonly ws: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data: Buffer) => {
      this.messages.push(data);
      this.instructions.push(...this.#decoder.push(data));
    });
  }

  static open(url: string, query: string): TunnelClient {
    return new TunnelClient(new WebSocket(`${url}?${query}`, 'guacamole'));
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** Every message must hold whole instructions only (the browser parses each on its own). */
  assertWholeInstructions(): void {
    for (const message of this.messages) instructionSpans(message);
  }

  waitFor(match: (i: Instruction) => boolean, timeoutMs = 5000): Promise<Instruction> {
    return eventually(() => this.instructions.find(match), { timeoutMs });
  }

  /**
   * Sends a ping and waits for the relay's answer: by then the relay has acted on everything
   * this browser sent before it and on every timer that fired before it (engine calls included).
   */
  async roundTrip(): Promise<void> {
    const stamp = `rt-${++this.#pings}`;
    this.send(encodeInstruction(INTERNAL_OPCODE, 'ping', stamp));
    await this.waitFor((i) => i.opcode === INTERNAL_OPCODE && i.args[0] === 'ping' && i.args[1] === stamp);
  }

  error(): Promise<Instruction> {
    return this.waitFor((i) => i.opcode === 'error');
  }

  bytesReceived(): number {
    return this.messages.reduce((sum, m) => sum + m.length, 0);
  }
}

/** A relay and a fake guacd (listing `argNames`) for one pool, with a browser past its first frame. */
export interface LiveTunnel {
  relay: RelayUnderTest;
  guacd: FakeGuacd;
  client: TunnelClient;
  conn: FakeGuacdConnection;
  close(): Promise<void>;
}

export async function liveTunnel(argNames: readonly string[], pool: Partial<PoolSettings>): Promise<LiveTunnel> {
  const guacd = await FakeGuacd.start({ argNames });
  const relay = await startRelay();
  relay.broker.tokens.set('t1', target([guacd], { settings: settings(pool) }));
  const client = TunnelClient.open(relay.url, 'token=t1');
  const conn = await guacd.connection(1);
  await client.waitFor((i) => i.opcode === 'sync');
  return {
    relay,
    guacd,
    client,
    conn,
    close: async () => {
      await relay.close();
      await guacd.close();
    },
  };
}
