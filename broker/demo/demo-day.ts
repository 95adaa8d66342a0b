// A simulated working day in the demo county, through the broker's real interfaces: every
// terminal runs the agent's own connection (heartbeats), clerks log in on the window API and
// open tunnels, citizens rate, clerks roam; a terminal goes offline and a desktop fails.
import type WebSocket from 'ws';
import { AgentConnection } from '../../agent/src/connection/agent-connection.js';
import type { AgentInfo } from '@yunzhuo/protocol/agent/index';
import { DemoApiError, type DemoApi } from './demo-api.js';
import { CLERK_PASSWORD, type DemoClerk, type DemoTerminal, type SeededCounty } from './demo-seed.js';
import { deadPort, openTunnel } from './demo-stand-ins.js';

/** the agent's production heartbeat (ms) */
const HEARTBEAT_MS = 10_000;
/** share of the clerks at their windows when the doors open at 8:30 */
const RUSH_SHARE = 0.8;
/** one event of the day every … (ms) */
const TICK_MS = 1200;

interface Seat {
  terminal: DemoTerminal;
  agent: AgentConnection | null;
  clerk: DemoClerk | null;
  sessionId: string | null;
  tunnel: WebSocket | null;
}

interface WindowLogin {
  session: { id: string; reconnected: boolean };
  tunnel: { token: string };
}

export interface DayLog {
  (line: string): void;
}

export class DemoDay {
  readonly counts = { logins: 0, roams: 0, ratings: 0, logoffs: 0, refused: 0 };
  readonly #seats: Seat[];
  readonly #away: DemoClerk[];
  #timer: NodeJS.Timeout | null = null;
  #ticks = 0;
  #busy = false;
  readonly #arriving: Array<Promise<void>> = [];

  constructor(
    private readonly api: DemoApi,
    private readonly county: SeededCounty,
    private readonly log: DayLog,
    private readonly random: () => number = Math.random,
  ) {
    this.#seats = county.terminals.map((terminal) => ({ terminal, agent: null, clerk: null, sessionId: null, tunnel: null }));
    this.#away = [];
  }

  /** Every terminal's agent connects (as the boxes boot in the morning). */
  startTerminals(): void {
    for (const seat of this.#seats) seat.agent = this.#agent(seat.terminal);
  }

  /** 8:30: as each account exists, most clerks walk to a window of their department and log in. */
  clerkReady(clerk: DemoClerk): void {
    this.#away.push(clerk);
    if (this.random() >= RUSH_SHARE) return;
    this.#arriving.push(this.#arrive(clerk).catch((err: unknown) => this.log(`登录失败：${(err as Error).message}`)));
  }

  /** Resolves when the logins of the rush so far have all been answered. */
  async rushDone(): Promise<void> {
    await Promise.all(this.#arriving);
    this.log(`8:30 上班高峰：${this.counts.logins} 名窗口人员已登录`);
  }

  /** The rest of the day, one event per tick, until stop(). */
  run(): void {
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      void this.#tick()
        .catch((err: unknown) => this.log(`模拟事件失败：${(err as Error).message}`))
        .finally(() => (this.#busy = false));
    }, TICK_MS);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    for (const seat of this.#seats) seat.tunnel?.close();
    await Promise.all(this.#seats.map((s) => s.agent?.stop()));
  }

  async #tick(): Promise<void> {
    this.#ticks++;
    if (this.#ticks === 8) return this.#terminalGoesOffline();
    if (this.#ticks === 12) return this.#desktopFails();
    const roll = this.random();
    if (roll < 0.6) return this.#serveAndRate();
    if (roll < 0.75) return this.#roam();
    if (roll < 0.82) return this.#takeBreak();
    const clerk = this.#away[Math.floor(this.random() * this.#away.length)];
    if (clerk) await this.#arrive(clerk);
  }

  #agent(terminal: DemoTerminal): AgentConnection {
    const info: AgentInfo = {
      agentVersion: 'demo',
      hostname: terminal.windowCode,
      os: 'Linux 6.1 (云终端 演示)',
      uptimeSeconds: 3600,
      load: [0.2, 0.1, 0.1],
      memory: { totalBytes: 2 ** 31, freeBytes: 2 ** 30 },
      addresses: [`10.20.${terminal.windowCode.length}.${Math.floor(this.random() * 250) + 2}`],
      screen: { width: 1920, height: 1080 },
      kiosk: 'running',
      hardwareId: terminal.id.slice(0, 8),
    };
    const agent = new AgentConnection({
      brokerUrl: this.api.baseUrl,
      credential: terminal.credential,
      heartbeatMs: HEARTBEAT_MS,
      heartbeatJitter: 0.1,
      backoff: { initialMs: 1000, maxMs: 30_000 },
      info: () => info,
      onCommand: async () => ({ outcome: { ok: true, result: {} } }),
    });
    agent.start();
    return agent;
  }

  /** A clerk takes a free window of their department at their site and logs in. */
  async #arrive(clerk: DemoClerk): Promise<void> {
    const free = this.#seats.filter((s) => !s.clerk && s.agent && s.terminal.siteId === clerk.siteId && s.terminal.departmentId === clerk.departmentId);
    const seat = free[Math.floor(this.random() * free.length)];
    if (!seat) return;
    await this.#login(seat, clerk);
  }

  async #login(seat: Seat, clerk: DemoClerk): Promise<WindowLogin | null> {
    seat.clerk = clerk;
    const away = this.#away.indexOf(clerk);
    if (away >= 0) this.#away.splice(away, 1);
    try {
      const res = await this.api
        .forTerminal(seat.terminal.credential)
        .post<WindowLogin>('/api/v1/terminal/sessions', { username: clerk.username, password: CLERK_PASSWORD });
      seat.sessionId = res.session.id;
      seat.tunnel = openTunnel(this.api.baseUrl, res.tunnel.token);
      this.counts.logins++;
      return res;
    } catch (err) {
      if (!(err instanceof DemoApiError)) throw err;
      this.counts.refused++;
      seat.clerk = null;
      this.#away.push(clerk);
      return null;
    }
  }

  /** A service ends at a busy window; the citizen rates it on the rating screen. */
  async #serveAndRate(): Promise<void> {
    const seat = this.#pick((s) => s.sessionId !== null && s.agent !== null);
    if (!seat?.sessionId) return;
    const window = this.api.forTerminal(seat.terminal.credential);
    const invitation = await window.post<{ id: string; tagSet: { version: number; tags: { level: number; code: string }[] } }>(
      '/api/v1/terminal/rating-invitations',
      { sessionId: seat.sessionId },
    );
    // five levels (docs/RATINGS.md): most citizens are 非常满意 or 满意, a few give a 差评 with a tag
    const roll = this.random();
    const level = roll < 0.7 ? 5 : roll < 0.93 ? 4 : roll < 0.97 ? 3 : roll < 0.99 ? 2 : 1;
    const tag = invitation.tagSet.tags.find((t) => t.level === level);
    await window.post('/api/v1/terminal/ratings', {
      invitationId: invitation.id,
      level,
      tagSetVersion: invitation.tagSet.version,
      ...(level <= 2 && tag ? { tags: [tag.code] } : {}),
    });
    this.counts.ratings++;
  }

  /** 一窗受理: a clerk leaves one window and takes the same desktop back at another. */
  async #roam(): Promise<void> {
    const from = this.#pick((s) => s.sessionId !== null && s.agent !== null);
    if (!from?.sessionId || !from.clerk) return;
    const clerk = from.clerk;
    const to = this.#pick((s) => !s.clerk && s.agent !== null && s.terminal.siteId === clerk.siteId && s !== from);
    if (!to) return;
    await this.api.forTerminal(from.terminal.credential).post(`/api/v1/terminal/sessions/${from.sessionId}/disconnect`);
    from.tunnel?.close();
    Object.assign(from, { clerk: null, sessionId: null, tunnel: null });
    this.#away.push(clerk);
    const res = await this.#login(to, clerk);
    if (res?.session.reconnected) this.counts.roams++;
  }

  /** Lunch or the end of a shift: a clerk logs off; the desktop goes back to the pool. */
  async #takeBreak(): Promise<void> {
    const seat = this.#pick((s) => s.sessionId !== null && s.agent !== null);
    if (!seat?.sessionId || !seat.clerk) return;
    await this.api.forTerminal(seat.terminal.credential).post(`/api/v1/terminal/sessions/${seat.sessionId}/logoff`);
    seat.tunnel?.close();
    this.#away.push(seat.clerk);
    Object.assign(seat, { clerk: null, sessionId: null, tunnel: null });
    this.counts.logoffs++;
  }

  /** A box loses power at a busy window: its tunnel drops (the session waits) and its agent falls silent. */
  async #terminalGoesOffline(): Promise<void> {
    const seat = this.#pick((s) => s.sessionId !== null && s.agent !== null);
    if (!seat) return;
    seat.tunnel?.close();
    await seat.agent?.stop();
    seat.agent = null;
    this.log(`云终端离线：窗口 ${seat.terminal.windowCode}（${seat.clerk?.displayName ?? ''} 的会话保留待重连）`);
  }

  /** A free desktop's machine goes away: the health probes find its RDP port closed. */
  async #desktopFails(): Promise<void> {
    const desktops = await this.api.get<{ items: Array<{ id: string; name: string }> }>(
      `/api/v1/desktops?state=free&siteId=${this.county.countyId}&pageSize=1`,
    );
    const desktop = desktops.items[0];
    if (!desktop) return;
    await this.api.request('PATCH', `/api/v1/desktops/${desktop.id}`, { port: await deadPort() });
    this.log(`云桌面故障：${desktop.name}（健康检查将标记为异常）`);
  }

  #pick(match: (s: Seat) => boolean): Seat | undefined {
    const list = this.#seats.filter(match);
    return list[Math.floor(this.random() * list.length)];
  }
}
