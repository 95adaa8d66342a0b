import { queueSystemCallAnswer } from '@yunzhuo/protocol/api/queue';
import { AppError } from '../lib/app-error.js';
import type { CalledTicket, QueueAdapter, QueueWindow } from './queue-adapter.js';

/** no answer within this many ms is an unreachable queue system: the clerk is waiting at the counter */
const TIMEOUT_MS = 5000;

/**
 * The generic HTTP API of a hall's queue system (docs/RATINGS.md, "The queue at the window"):
 * `POST <base>/sites/<site>/windows/<window>/call|pause|resume` and `POST <base>/sites/<site>/tickets/<n>/<step>`,
 * JSON both ways, `authorization: Bearer <token>` when a token is set. A vendor's own API is
 * another implementation of `QueueAdapter`.
 */
export class HttpQueueAdapter implements QueueAdapter {
  constructor(private readonly opts: { baseUrl: string; token?: string | undefined; fetch?: typeof fetch }) {}

  async callNext(w: QueueWindow): Promise<CalledTicket | null> {
    const answer = queueSystemCallAnswer.safeParse(await this.#post(`/sites/${enc(w.siteCode)}/windows/${enc(w.windowCode)}/call`, { clerk: w.clerk }));
    if (!answer.success) throw new AppError('QUEUE_UNAVAILABLE', { reason: 'the queue system answered a call with an unexpected body' });
    return answer.data.ticket ? { number: answer.data.ticket.number, service: answer.data.ticket.service ?? null } : null;
  }
  async recall(w: QueueWindow, number: string): Promise<void> {
    await this.#step(w, number, 'recall');
  }
  async skip(w: QueueWindow, number: string): Promise<void> {
    await this.#step(w, number, 'skip');
  }
  async transfer(w: QueueWindow, number: string, target: string): Promise<void> {
    await this.#step(w, number, 'transfer', { target });
  }
  async finish(w: QueueWindow, number: string): Promise<void> {
    await this.#step(w, number, 'finish');
  }

  async pause(w: QueueWindow): Promise<void> {
    await this.#post(`/sites/${enc(w.siteCode)}/windows/${enc(w.windowCode)}/pause`, { clerk: w.clerk });
  }
  async resume(w: QueueWindow): Promise<void> {
    await this.#post(`/sites/${enc(w.siteCode)}/windows/${enc(w.windowCode)}/resume`, { clerk: w.clerk });
  }

  #step(w: QueueWindow, number: string, step: string, extra: object = {}): Promise<unknown> {
    return this.#post(`/sites/${enc(w.siteCode)}/tickets/${enc(number)}/${step}`, { window: w.windowCode, clerk: w.clerk, ...extra });
  }

  async #post(path: string, body: object): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(this.opts.baseUrl.replace(/\/$/, '') + path, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new AppError('QUEUE_UNAVAILABLE', { reason: (err as Error).message });
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500) throw new AppError('QUEUE_UNAVAILABLE', { status: res.status });
    if (!res.ok) throw new AppError('QUEUE_REFUSED', { status: res.status, reason: messageOf(text) });
    return text ? safeJson(text) : {};
  }
}

const enc = encodeURIComponent;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** the queue system's own words, shown to the clerk: `{ error: { message } }` or `{ message }` */
function messageOf(text: string): string | null {
  const body = safeJson(text) as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body?.error?.message ?? body?.message;
  return typeof message === 'string' ? message.slice(0, 200) : null;
}
