import { EventEmitter } from 'node:events';

import type { LiveEventMap, LiveEventType } from '@yunzhuo/protocol/api/live-events';

export type { LiveEventMap, LiveEventType };
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
