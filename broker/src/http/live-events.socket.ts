import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { inScope, type Actor } from '../auth/actor.js';
import { SESSION_COOKIE } from '../auth/auth.middleware.js';
import type { AuthService } from '../auth/auth.service.js';
import { isConsoleUser } from '../auth/policy.js';
import type { LiveEvent, LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';

const PING_MS = 25_000;
/** a console that cannot keep up is dropped rather than buffered without bound */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function siteOfEvent(event: LiveEvent): string | null {
  const data = event.data as { siteId?: string | null };
  return data.siteId ?? null;
}

/** `/api/v1/events`: the console's live feed, scoped like the API (a town sees only the town). */
export function createLiveEventsSocket(deps: { auth: AuthService; events: LiveEvents; logger: Logger }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  /** each feed's sign-in, checked again every ping: a signed-out or disabled admin stops receiving */
  const signIns = new WeakMap<WebSocket, string>();
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      const alive = ws as WebSocket & { yzAlive?: boolean };
      if (alive.yzAlive === false) ws.terminate();
      else {
        alive.yzAlive = false;
        ws.ping();
        const token = signIns.get(ws);
        void (token ? deps.auth.authenticate(token, null) : Promise.resolve(null))
          .then((found) => (found && isConsoleUser(found.actor) ? undefined : ws.close(4401, 'signed out')))
          .catch((err: unknown) => deps.logger.warn({ err }, 'live feed sign-in check failed'));
      }
    }
  }, PING_MS);
  timer.unref();

  function attach(ws: WebSocket, actor: Actor): void {
    const alive = ws as WebSocket & { yzAlive?: boolean };
    alive.yzAlive = true;
    ws.on('pong', () => (alive.yzAlive = true));
    const unsubscribe = deps.events.subscribe((event) => {
      const siteId = siteOfEvent(event);
      if (!actor.scope.all && siteId !== null && !inScope(actor.scope, siteId)) return;
      if (!actor.scope.all && siteId === null && event.type !== 'resource.changed') return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
      ws.send(JSON.stringify(event));
    });
    ws.on('close', unsubscribe);
    ws.on('message', () => undefined);
    ws.send(JSON.stringify({ type: 'hello', at: new Date().toISOString(), data: { username: actor.username } }));
  }

  return {
    async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
      // a client that resets while we authenticate must not crash the process (no listener = throw)
      socket.on('error', () => socket.destroy());
      const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
      const found = token ? await deps.auth.authenticate(token, req.socket.remoteAddress ?? null).catch(() => null) : null;
      if (!found || !isConsoleUser(found.actor)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"code":"UNAUTHENTICATED","message":"请先登录 / Please sign in first"}}');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        signIns.set(ws, token!);
        attach(ws, found.actor);
      });
    },
    close(): void {
      clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
