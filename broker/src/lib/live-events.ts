import { EventEmitter } from 'node:events';

/** Typed map of everything pushed live to the console; `siteId` scopes delivery. */
export interface LiveEventMap {
  'session.changed': { id: string; state: string; siteId: string | null; windowId: string | null; accountId: string; poolId: string; desktopId: string | null; endReason?: string | null };
  'terminal.changed': { id: string; state: string; siteId: string; windowId: string | null; online: boolean };
  'desktop.changed': { id: string; state: string; health: string; poolId: string; siteId: string | null };
  'gateway.changed': { id: string; health: string; siteId: string | null };
  'login.refused': { code: string; username: string; terminalId: string | null; siteId: string | null; poolId?: string | null };
  'rating.created': { id: string; siteId: string | null; windowId: string | null; score: string };
  'resource.changed': { resource: string; id: string; action: 'create' | 'update' | 'delete'; siteId: string | null };
  /** shown on the window page of that terminal (sent by an admin's `message` command) */
  'terminal.message': { terminalId: string; siteId: string; windowId: string | null; commandId: string; text: string; level: string; durationSeconds: number };
  'terminal.command': { terminalId: string; siteId: string; commandId: string; type: string; outcome: 'ok' | 'failed' };
}

export type LiveEventType = keyof LiveEventMap;
export interface LiveEvent<T extends LiveEventType = LiveEventType> {
  type: T;
  at: string;
  data: LiveEventMap[T];
}

export class LiveEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  publish<T extends LiveEventType>(type: T, data: LiveEventMap[T]): void {
    const event: LiveEvent<T> = { type, at: new Date().toISOString(), data };
    this.#emitter.emit('event', event);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
