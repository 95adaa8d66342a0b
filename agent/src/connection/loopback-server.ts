import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A WebSocket server for the window page on 127.0.0.1 only, opened with a secret the agent puts in
 * the kiosk URL's fragment (`<key>=<port>.<secret>`), which no page of another origin can know.
 * The device bridge and the window screen channel are both one of these.
 */
export abstract class LoopbackServer {
  readonly secret = randomBytes(24).toString('base64url');
  readonly #http = http.createServer((_req, res) => res.writeHead(426).end());
  protected readonly wss: WebSocketServer;
  #port = 0;

  constructor(
    private readonly fragmentKey: string,
    maxPayload: number,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload });
    this.#http.on('upgrade', (req, socket, head) => {
      const given = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('secret') ?? '';
      if (!this.#secretMatches(given)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
        return;
      }
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, path));
    });
  }

  /** `path`: the upgrade's path (a server may offer more than one stream) */
  protected abstract serve(ws: WebSocket, path: string): void;

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, '127.0.0.1', () => {
        this.#port = (this.#http.address() as AddressInfo).port;
        resolve(this.#port);
      });
    });
  }

  /** What the kiosk URL's fragment carries for the page. */
  get fragment(): string {
    return `${this.fragmentKey}=${this.#port}.${this.secret}`;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #secretMatches(given: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(this.secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
