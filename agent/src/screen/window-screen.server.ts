import type { RawData, WebSocket } from 'ws';
import { LoopbackServer } from '../connection/loopback-server.js';
import { WINDOW_SCREEN_FRAGMENT, windowScreenAck, type WindowScreenShow } from '@yunzhuo/protocol/agent/window-screen';

/** how long the page has to say a message is on the screen (ms): a page that is open answers in milliseconds */
export const SHOWN_TIMEOUT_MS = 5000;
const MAX_MESSAGE_BYTES = 4096;

/**
 * The window page's ear for the admin's screen commands (issue 17): a WebSocket on 127.0.0.1
 * only, opened with the secret the agent put in the kiosk URL's fragment. `show` sends to every
 * open page and resolves true once one of them answers `shown`, false when no page is open or
 * none answered within SHOWN_TIMEOUT_MS: the command's result then says the clerk did not see it.
 */
export class WindowScreenServer extends LoopbackServer {
  readonly #waiting = new Map<string, () => void>();
  #seq = 0;

  constructor(private readonly timeoutMs = SHOWN_TIMEOUT_MS) {
    super(WINDOW_SCREEN_FRAGMENT, MAX_MESSAGE_BYTES);
  }

  /** How many window pages are listening now. */
  get pages(): number {
    return [...this.wss.clients].filter((ws) => ws.readyState === ws.OPEN).length;
  }

  async show(message: WindowScreenShow): Promise<boolean> {
    const open = [...this.wss.clients].filter((ws) => ws.readyState === ws.OPEN);
    if (open.length === 0) return false;
    const id = `m${++this.#seq}`;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(false);
      }, this.timeoutMs);
      this.#waiting.set(id, () => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(true);
      });
      const text = JSON.stringify({ ...message, id });
      for (const ws of open) ws.send(text);
    });
  }

  protected serve(ws: WebSocket): void {
    ws.on('message', (data: RawData) => {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        /* not JSON: refused below */
      }
      const ack = windowScreenAck.safeParse(parsed);
      if (!ack.success) return ws.close(1008, 'bad message');
      this.#waiting.get(ack.data.id)?.();
    });
  }
}
