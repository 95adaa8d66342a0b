import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LiveFeedEvent } from '@yunzhuo/protocol/api/live-events';
import { inScope, type Actor } from '../auth/actor.js';
import { SESSION_COOKIE } from '../auth/auth.middleware.js';
import type { AuthService } from '../auth/auth.service.js';
import { isConsoleUser } from '../auth/policy.js';
import { every, type Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import { refuseUpgrade } from './upgrade-refusal.js';

/** a console that cannot keep up is dropped rather than buffered without bound */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** `/api/v1/events`: the console's live feed, scoped like the API (a town sees only the town). */
export function createLiveEventsSocket(deps: { auth: AuthService; events: LiveEvents; logger: Logger; pingMs: number; clock: Clock }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  /**
   * each feed's sign-in, checked again every ping: a signed-out or disabled admin stops
   * receiving, and a changed role or home site narrows (or widens) the feed from then on
   */
  const signIns = new WeakMap<WebSocket, { token: string; actor: Actor }>();
  const stopPings = every(deps.clock, deps.pingMs, () => {
    for (const ws of wss.clients) {
      const alive = ws as WebSocket & { yzAlive?: boolean };
      if (alive.yzAlive === false) ws.terminate();
      else {
        alive.yzAlive = false;
        ws.ping();
        const signIn = signIns.get(ws);
        void (signIn ? deps.auth.authenticate(signIn.token, null) : Promise.resolve(null))
          .then((found) => {
            if (!found || !isConsoleUser(found.actor)) return ws.close(4401, 'signed out');
            signIn!.actor = found.actor;
          })
          .catch((err: unknown) => deps.logger.warn({ err }, 'live feed sign-in check failed'));
      }
    }
  });

  function attach(ws: WebSocket, signIn: { token: string; actor: Actor }): void {
    const alive = ws as WebSocket & { yzAlive?: boolean };
    alive.yzAlive = true;
    ws.on('pong', () => (alive.yzAlive = true));
    const unsubscribe = deps.events.subscribe((event) => {
      const { actor } = signIn;
      const { siteId } = event.data;
      if (!actor.scope.all && siteId !== null && !inScope(actor.scope, siteId)) return;
      if (!actor.scope.all && siteId === null && event.type !== 'resource.changed') return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
      ws.send(JSON.stringify(event));
    });
    ws.on('close', unsubscribe);
    ws.on('message', () => undefined);
    const hello: LiveFeedEvent = { type: 'hello', at: new Date(deps.clock.now()).toISOString(), data: { username: signIn.actor.username } };
    ws.send(JSON.stringify(hello));
  }

  return {
    async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
      // a client that resets while we authenticate must not crash the process (no listener = throw)
      socket.on('error', () => socket.destroy());
      const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
      const found = token ? await deps.auth.authenticate(token, req.socket.remoteAddress ?? null).catch(() => null) : null;
      if (!found || !isConsoleUser(found.actor)) {
        refuseUpgrade(socket, 'UNAUTHENTICATED');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const signIn = { token: token!, actor: found.actor };
        signIns.set(ws, signIn);
        attach(ws, signIn);
      });
    },
    close(): void {
      stopPings();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
