import { liveFeedEvent, type LiveFeedEvent } from '@yunzhuo/protocol/api/live-events';

/** What `/api/v1/events` sends: the broker's events plus the greeting on connect. */
export type LiveEvent = LiveFeedEvent;

export type LiveStatus = 'connecting' | 'open' | 'retrying' | 'unavailable';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 15_000;
/** after this many failed opens in a row we call the feed unavailable (and poll instead) */
const UNAVAILABLE_AFTER = 3;

/** A message of the feed, validated; null for anything else (an event type this console does not know yet). */
function parseEvent(raw: unknown): LiveEvent | null {
  if (typeof raw !== 'string') return null;
  try {
    const event = liveFeedEvent.safeParse(JSON.parse(raw));
    return event.success ? event.data : null;
  } catch {
    return null;
  }
}

/**
 * The console's live feed: one WebSocket, reopened with capped, jittered exponential backoff
 * (so a broker restart does not get every console in the hall reconnecting in the same ms).
 */
export class LiveSocket {
  #ws: WebSocket | null = null;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  #status: LiveStatus = 'connecting';

  constructor(
    private readonly url: string,
    private readonly onEvent: (event: LiveEvent) => void,
    private readonly onStatus: (status: LiveStatus) => void,
  ) {}

  get status(): LiveStatus {
    return this.#status;
  }

  start(): void {
    this.#stopped = false;
    this.#open();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#ws?.close(1000);
    this.#ws = null;
  }

  #setStatus(status: LiveStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.onStatus(status);
  }

  #open(): void {
    if (this.#stopped) return;
    let opened = false;
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    ws.onopen = () => {
      opened = true;
      this.#attempt = 0;
      this.#setStatus('open');
    };
    ws.onmessage = (msg) => {
      const event = parseEvent(msg.data);
      if (event) this.onEvent(event);
    };
    ws.onclose = () => {
      if (this.#ws !== ws || this.#stopped) return;
      this.#ws = null;
      if (!opened) this.#attempt += 1;
      this.#setStatus(this.#attempt >= UNAVAILABLE_AFTER ? 'unavailable' : 'retrying');
      const ceiling = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(this.#attempt, 8));
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      this.#timer = setTimeout(() => this.#open(), delay);
    };
  }
}

export function liveEventsUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/events`;
}
