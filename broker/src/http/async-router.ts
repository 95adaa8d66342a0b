import { isIP } from 'node:net';
import { Router, type Request, type Response } from 'express';
import type { Actor } from '../auth/actor.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      actor?: Actor;
      csrfToken?: string;
      /** set on a session that may only finish a step first (auth.middleware.ts) */
      sessionRestriction?: import('@yunzhuo/protocol/api/resources').SessionRestriction | null;
    }
  }
}

export function newRouter(): Router {
  return Router({ mergeParams: true });
}

export function actorOf(req: Request): Actor {
  if (!req.actor) throw new Error('route mounted without requireConsoleUser');
  return req.actor;
}

/**
 * The client's IP address: behind a trusted proxy the one it forwards, but only if it is an IP
 * (an X-Forwarded-For entry is whatever the client wrote), else the socket's peer.
 */
export function clientAddress(req: Request): string | null {
  if (req.ip && isIP(req.ip)) return req.ip;
  return req.socket.remoteAddress ?? null;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).json(body);
}
