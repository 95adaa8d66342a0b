import { EventEmitter } from 'node:events';

import type { LiveEvent, LiveEventMap, LiveEventType } from '@yunzhuo/protocol/api/live-events';

export type { LiveEvent, LiveEventMap, LiveEventType };

/**
 * This process's live events. With several broker processes every event is also handed to
 * `relay` (the cluster bus), and events relayed from the others come in through `deliver`.
 */
export class LiveEvents {
  readonly #emitter = new EventEmitter();
  #relay: ((event: LiveEvent) => void) | null = null;

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  publish<T extends LiveEventType>(type: T, data: LiveEventMap[T]): void {
    // the one widening TypeScript cannot prove (a generic T to the union of every type); sound,
    // since `data` is LiveEventMap[T] for this very `type`
    const event = { type, at: new Date().toISOString(), data } as LiveEvent;
    this.#emitter.emit('event', event);
    this.#relay?.(event);
  }

  relayTo(relay: (event: LiveEvent) => void): void {
    this.#relay = relay;
  }

  /** an event another broker process published: for this process's listeners only */
  deliver(event: LiveEvent): void {
    this.#emitter.emit('remote', event);
  }

  /**
   * `localOnly`: only events of this process — for listeners that act (run an action) rather
   * than show, so that an event is acted on once in the cluster, by the process it happened in.
   * `remoteOnly`: only what other broker processes published.
   */
  subscribe(listener: (event: LiveEvent) => void, opts: { localOnly?: boolean; remoteOnly?: boolean } = {}): () => void {
    // one listener that throws must neither stop the others nor fail the publisher's request
    const guarded = (event: LiveEvent) => {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(`live event listener failed on ${event.type}: ${(err as Error).stack ?? String(err)}`);
      }
    };
    if (!opts.remoteOnly) this.#emitter.on('event', guarded);
    if (!opts.localOnly) this.#emitter.on('remote', guarded);
    return () => {
      this.#emitter.off('event', guarded);
      this.#emitter.off('remote', guarded);
    };
  }
}
