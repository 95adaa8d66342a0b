// A TCP pass-through between the broker's relay and guacd, for the window suite: it timestamps
// each connection (opened, guacd's `ready` passing by) and can cut them all to fake a network blip.
import net, { type AddressInfo, type Socket } from 'node:net';

export interface TappedConnection {
  /** performance.now() when the relay connected */
  openedAt: number;
  /** performance.now() when guacd's `ready` went back to the relay */
  readyAt: number | null;
  /** what the relay's `select` asked for: `rdp` (a new RDP connection) or `$<id>` (joining a live one) */
  selected: string | null;
}

export class GuacdTap {
  readonly connections: TappedConnection[] = [];
  readonly #pairs = new Set<[Socket, Socket]>();
  #refusing = false;

  private constructor(private readonly server: net.Server) {}

  static async start(target: { host: string; port: number }): Promise<GuacdTap> {
    const server = net.createServer();
    const tap = new GuacdTap(server);
    server.on('connection', (relay) => tap.#pipe(relay, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return tap;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** While on, new connections are dropped at once: the gateway is down (live ones go on). */
  refuse(on: boolean): void {
    this.#refusing = on;
  }

  /** Cuts every live guacd connection, as a network failure between the broker and the gateway would. */
  dropAll(): number {
    const n = this.#pairs.size;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
    return n;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #pipe(relay: Socket, target: { host: string; port: number }): void {
    if (this.#refusing) {
      relay.destroy();
      return;
    }
    const record: TappedConnection = { openedAt: performance.now(), readyAt: null, selected: null };
    this.connections.push(record);
    const guacd = net.connect(target);
    relay.setNoDelay(true);
    guacd.setNoDelay(true);
    const pair: [Socket, Socket] = [relay, guacd];
    this.#pairs.add(pair);
    let seen = '';
    guacd.on('data', (chunk: Buffer) => {
      if (record.readyAt === null) {
        seen = (seen + chunk.toString('latin1')).slice(-4096);
        if (seen.includes('5.ready,')) record.readyAt = performance.now();
      }
      relay.write(chunk);
    });
    let sent = '';
    relay.on('data', (chunk: Buffer) => {
      if (record.selected === null && sent.length < 4096) {
        sent += chunk.toString('latin1');
        const select = /6\.select,\d+\.([^;]*);/.exec(sent);
        if (select) record.selected = select[1] ?? null;
      }
      guacd.write(chunk);
    });
    const end = () => {
      this.#pairs.delete(pair);
      relay.destroy();
      guacd.destroy();
    };
    relay.on('close', end);
    guacd.on('close', end);
    relay.on('error', end);
    guacd.on('error', end);
  }
}
