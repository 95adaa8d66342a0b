import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A hall's queue system (排队叫号) speaking the generic HTTP API of docs/RATINGS.md, for the
 * tests and the demo. Numbers are taken at the kiosk (`take`, or `POST /sites/<site>/tickets`);
 * a window calls the next waiting one, a citizen transferred to a window is called there first.
 */
interface SimTicket {
  number: string;
  service: string | null;
  state: 'waiting' | 'called' | 'skipped' | 'done';
  window: string | null;
  /** a transfer's target: only that window (or business line) calls it */
  target: string | null;
}

export interface QueueLogEntry {
  site: string;
  step: 'call' | 'recall' | 'skip' | 'transfer' | 'finish' | 'pause' | 'resume';
  number: string | null;
  window: string;
  clerk: string;
  target?: string;
}

const stepBody = z.object({ window: z.string().min(1), clerk: z.string().min(1), target: z.string().min(1).optional() });
const callBody = z.object({ clerk: z.string().min(1) });
const takeBody = z.object({ service: z.string().max(64).optional() });

export class QueueSimulator {
  readonly log: QueueLogEntry[] = [];
  readonly #sites = new Map<string, { next: number; tickets: SimTicket[]; paused: Set<string> }>();
  #server: Server | null = null;
  /** the next this many requests answer 503 (a queue system that is down) */
  failNext = 0;

  constructor(private readonly token?: string) {}

  get url(): string {
    const address = this.#server?.address() as AddressInfo | null;
    if (!address) throw new Error('the queue simulator is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async listen(port = 0): Promise<string> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.listen(port, '127.0.0.1');
    await once(this.#server, 'listening');
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.#server) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  /** a citizen takes a number at the kiosk: A001, A002… per site */
  take(site: string, service: string | null = null): string {
    const s = this.#site(site);
    const number = `A${String(++s.next).padStart(3, '0')}`;
    s.tickets.push({ number, service, state: 'waiting', window: null, target: null });
    return number;
  }

  /** the windows of a site that paused calling */
  paused(site: string): string[] {
    return [...this.#site(site).paused];
  }

  waiting(site: string): string[] {
    return this.#site(site)
      .tickets.filter((t) => t.state === 'waiting')
      .map((t) => t.number);
  }

  #site(code: string) {
    let s = this.#sites.get(code);
    if (!s) this.#sites.set(code, (s = { next: 0, tickets: [], paused: new Set() }));
    return s;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (this.failNext > 0) {
      this.failNext--;
      return void answer(503, { error: { message: '系统维护中' } });
    }
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`) return void answer(401, { error: { message: '未授权' } });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return void answer(400, { error: { message: '请求不是 JSON' } });
    }
    const path = (req.url ?? '').split('?')[0]!.split('/').map(decodeURIComponent);
    // ['', 'sites', site, 'windows', window, 'call' | 'pause' | 'resume'] | ['', 'sites', site, 'tickets', number, step] | ['', 'sites', site, 'tickets']
    if (req.method !== 'POST' || path[1] !== 'sites' || !path[2]) return void answer(404, { error: { message: '没有这个接口' } });
    const site = this.#site(path[2]);
    if (path[3] === 'windows' && path[5] === 'call' && path.length === 6) {
      const parsed = callBody.safeParse(body);
      if (!parsed.success) return void answer(400, { error: { message: '缺少 clerk' } });
      const window = path[4]!;
      if (site.paused.has(window)) return void answer(409, { error: { message: '该窗口已暂停叫号' } });
      const next =
        site.tickets.find((t) => t.state === 'waiting' && t.target === window) ?? site.tickets.find((t) => t.state === 'waiting' && t.target === null);
      this.log.push({ site: path[2], step: 'call', number: next?.number ?? null, window, clerk: parsed.data.clerk });
      if (!next) return void answer(200, { ticket: null });
      Object.assign(next, { state: 'called', window, target: null });
      return void answer(200, { ticket: { number: next.number, service: next.service } });
    }
    if (path[3] === 'windows' && (path[5] === 'pause' || path[5] === 'resume') && path.length === 6) {
      const parsed = callBody.safeParse(body);
      if (!parsed.success) return void answer(400, { error: { message: '缺少 clerk' } });
      const window = path[4]!;
      this.log.push({ site: path[2], step: path[5], number: null, window, clerk: parsed.data.clerk });
      if (path[5] === 'pause') site.paused.add(window);
      else site.paused.delete(window);
      return void answer(200, { ok: true });
    }
    if (path[3] === 'tickets' && path.length === 4) {
      const parsed = takeBody.safeParse(body);
      return void answer(
        parsed.success ? 201 : 400,
        parsed.success ? { number: this.take(path[2], parsed.data.service ?? null) } : { error: { message: '参数不对' } },
      );
    }
    const step = path[5];
    if (path[3] !== 'tickets' || path.length !== 6 || !['recall', 'skip', 'transfer', 'finish'].includes(step!))
      return void answer(404, { error: { message: '没有这个接口' } });
    const parsed = stepBody.safeParse(body);
    if (!parsed.success || (step === 'transfer' && !parsed.data.target)) return void answer(400, { error: { message: '参数不对' } });
    const ticket = site.tickets.find((t) => t.number === path[4]);
    if (!ticket || ticket.state !== 'called' || ticket.window !== parsed.data.window) return void answer(409, { error: { message: '该号不在本窗口办理' } });
    const { window, clerk, target } = parsed.data;
    this.log.push({ site: path[2], step: step as QueueLogEntry['step'], number: ticket.number, window, clerk, ...(target ? { target } : {}) });
    if (step === 'skip') ticket.state = 'skipped';
    if (step === 'finish') ticket.state = 'done';
    if (step === 'transfer') Object.assign(ticket, { state: 'waiting', window: null, target });
    return void answer(200, { ok: true });
  }
}
