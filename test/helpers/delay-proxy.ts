import net, { type Socket } from 'node:net';

export interface DelaySettings {
  /** added to each direction, ms (a round trip gets twice this) */
  oneWayMs: number;
  /** each chunk's delay varies by up to ± this, ms; order is kept, as on one TCP path */
  jitterMs: number;
}

/** bytes held in one direction before the sender is paused: a slow link backs up like a real one */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/**
 * A TCP pass-through that delays every chunk (the WAN's latency, with jitter: the kernel here has
 * no netem). Each chunk leaves at max(the previous chunk's time, now + delay ± jitter), so bytes
 * are never reordered; a half-close crosses after the bytes before it.
 */
export class DelayProxy {
  readonly #sockets = new Set<Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(listen: { host: string; port: number }, target: { host: string; port: number }, settings: DelaySettings): Promise<DelayProxy> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => resolve());
    });
    const proxy = new DelayProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.#carry(client, target, settings));
    return proxy;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #carry(client: Socket, target: { host: string; port: number }, settings: DelaySettings): void {
    const upstream = net.connect({ ...target, allowHalfOpen: true, noDelay: true });
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => this.#sockets.delete(socket));
    }
    // a reset or close on either side reaches the other after the delay, like the bytes before it
    const lagging = (from: Socket, to: Socket) => delayed(from, to, settings);
    lagging(client, upstream);
    lagging(upstream, client);
  }
}

/**
 * One direction: a FIFO of (due time, chunk or end) drained by a single timer, so chunks leave
 * in the order they came whatever their jitter (separate timers per chunk can fire out of order:
 * Node keys them by duration from a cached loop time).
 */
function delayed(from: Socket, to: Socket, { oneWayMs, jitterMs }: DelaySettings): void {
  const queue: Array<{ due: number; chunk: Buffer | 'end' | 'reset' }> = [];
  let lastDue = 0;
  let queued = 0;
  let waitingForDrain = false;
  let timer: NodeJS.Timeout | null = null;
  const push = (chunk: Buffer | 'end' | 'reset') => {
    lastDue = Math.max(lastDue, performance.now() + oneWayMs + (Math.random() * 2 - 1) * jitterMs);
    queue.push({ due: lastDue, chunk });
    schedule();
  };
  const schedule = () => {
    if (timer || queue.length === 0) return;
    timer = setTimeout(flush, Math.max(0, queue[0]!.due - performance.now()));
  };
  const flush = () => {
    timer = null;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now + 0.5) {
      const { chunk } = queue.shift()!;
      if (to.destroyed) continue;
      if (chunk === 'end') to.end();
      else if (chunk === 'reset') to.resetAndDestroy();
      else {
        queued -= chunk.length;
        if (!to.write(chunk)) waitingForDrain = true;
      }
    }
    maybeResume();
    schedule();
  };
  const maybeResume = () => {
    if (!waitingForDrain && queued < MAX_QUEUED_BYTES / 4 && from.isPaused()) from.resume();
  };
  to.on('drain', () => {
    waitingForDrain = false;
    maybeResume();
  });
  from.on('data', (chunk: Buffer) => {
    queued += chunk.length;
    if (queued > MAX_QUEUED_BYTES) from.pause();
    push(chunk);
  });
  from.once('end', () => push('end'));
  from.once('close', (hadError) => push(hadError ? 'reset' : 'end'));
}
