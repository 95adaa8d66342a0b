import { Router, type Request, type Response } from 'express';
import type { Actor } from '../auth/actor.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      actor?: Actor;
      csrfToken?: string;
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

export function clientAddress(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).json(body);
}
