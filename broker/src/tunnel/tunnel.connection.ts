import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { INTERNAL_OPCODE, encodeInstruction } from '@yunzhuo/protocol';
import type { ErrorCode } from '@yunzhuo/protocol/errors';
import { isAppError } from '../lib/app-error.js';
import type { Clock, ClockTimer } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { DesktopParking } from './desktop-parking.js';
import type { DownstreamEnd } from './downstream.pump.js';
import { attemptGateway, type AttemptEvents, type LiveGuacd } from './gateway.attempt.js';
import { GUAC_STATUS, messageFor, statusForErrorCode } from './guac-status.codes.js';
import type { GatewayAttemptError } from './guacd.connector.js';
import type { TunnelBroker, TunnelCloseReason, TunnelTarget } from './tunnel-target.js';
import type { TunnelLimits } from './tunnel.limits.js';
import { chooseDisplay, parseTunnelQuery, type DisplayChoice, type TunnelRequest } from './tunnel-query.parser.js';
import { closeBrowser, releaseGuacd, type CloseNotice } from './tunnel-teardown.js';
import { UpstreamPump } from './upstream.pump.js';
import { UpstreamPolicy } from './upstream.policy.js';

export type { CloseNotice };

export interface TunnelDeps {
  broker: TunnelBroker;
  logger: Logger;
  clock: Clock;
  limits: TunnelLimits;
  /** when set, a browser leaving a session that goes on leaves its guacd user parked here */
  parking?: DesktopParking | undefined;
}

/** The browser left but the session goes on (blip, 断开, takeover, admin disconnect): park its desktop. */
const PARKABLE: ReadonlySet<TunnelCloseReason> = new Set(['browser-closed', 'taken-over', 'ended-by-admin']);

export interface TunnelHooks {
  /** the token named a session: the server indexes the tunnel by it */
  redeemed(tunnel: TunnelConnection): void;
  closed(tunnel: TunnelConnection): void;
}

export interface CloseOptions {
  /** drop the browser without a close handshake (it is not reading) */
  terminate?: boolean;
  /** Guacamole status for the WebSocket close reason when there is no notice */
  status?: number;
  /** the WebSocket close reason after the status; default: the close reason */
  label?: string;
  /** for the log only */
  detail?: string;
}

type Phase = 'redeeming' | 'connecting' | 'live' | 'closed';

export interface TunnelStats {
  phase: Phase;
  /** bytes waiting to go to the browser */
  browserBacklogBytes: number;
  /** reading from guacd is paused (the browser is slow) */
  guacdPaused: boolean;
  /** reading from the browser is paused (guacd is slow) */
  browserPaused: boolean;
  bytesDown: number;
  bytesUp: number;
}

/**
 * One browser tunnel: redeem the token, reach a gateway (failing over), relay both ways, and
 * tell the engine markConnecting → markActive → markClosed (exactly once), in that order.
 *
 * Memory note: `npm start` runs the esbuild bundle (broker/scripts/build.mjs) under plain node;
 * tsx (`npm run dev`, the tests) turns on esbuild's keepNames, which wraps every arrow function
 * that gets an inferred name (class-field arrows, object-literal members, `const f = () => …`)
 * in __name(), giving each such closure a 256-byte property dictionary. Per-tunnel objects here
 * use prototype methods, or arrows assigned in constructors or passed as arguments, so the
 * tests measure a tunnel's memory as it ships.
 */
export class TunnelConnection implements AttemptEvents {
  readonly uuid = randomUUID();
  #phase: Phase = 'redeeming';
  #closedAs: TunnelCloseReason = 'browser-closed';
  #sessionId: string | null = null;
  #terminalId: string | null = null;
  #live: LiveGuacd | null = null;
  readonly #upstream: UpstreamPump;
  /** aborts a pending gateway attempt; dropped once live */
  #abort: AbortController | null = null;
  #idleTimer: ClockTimer | null = null;
  #reportedInputAt = 0;
  #engine: Promise<void> = Promise.resolve();
  readonly #log: Logger;
  readonly #openedAt: number;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: TunnelDeps,
    private readonly hooks: TunnelHooks,
  ) {
    this.#log = deps.logger.child({ tunnel: this.uuid });
    this.#openedAt = deps.clock.now();
    this.#upstream = new UpstreamPump(ws, deps, (detail) => this.#violation(detail));
  }

  get sessionId(): string | null {
    return this.#sessionId;
  }

  /** the terminal the redeemed token was bound to */
  get terminalId(): string | null {
    return this.#terminalId;
  }

  /** After close(): settles once the engine has been told (markClosed included). */
  get done(): Promise<void> {
    return this.#engine;
  }

  /** Backlog figures, for tests and metrics. */
  inspect(): TunnelStats {
    return {
      phase: this.#phase,
      browserBacklogBytes: this.ws.bufferedAmount,
      guacdPaused: this.#live?.pump.paused ?? false,
      browserPaused: this.#upstream.paused,
      bytesDown: this.#live?.pump.bytesSent ?? 0,
      bytesUp: this.#upstream.bytesReceived,
    };
  }

  /** `query` is the upgrade URL after `?`; it holds the token, so it is never logged. */
  start(query: string): void {
    this.ws.on('message', this.#upstream.onMessage);
    this.ws.on('close', () => this.#browserClosed());
    this.ws.on('error', (error) => this.#violation(`WebSocket: ${error.message}`));
    // Guacamole.WebSocketTunnel takes the first instruction's single element as the tunnel UUID.
    this.ws.send(encodeInstruction(INTERNAL_OPCODE, this.uuid));
    this.#armIdle(this.deps.limits.browserIdleMs);
    this.#run(parseTunnelQuery(query)).catch((error: unknown) => {
      this.#log.error({ err: error }, 'tunnel failed');
      this.close('gateway-failed', { status: GUAC_STATUS.SERVER_ERROR, message: messageFor('INTERNAL') });
    });
  }

  /** Ends the tunnel: optional `error` to the browser, `disconnect` to guacd, the engine told once. */
  close(reason: TunnelCloseReason, notice: CloseNotice | null, options: CloseOptions = {}): boolean {
    if (this.#phase === 'closed') return false;
    const stats = this.inspect();
    this.#phase = 'closed';
    this.#closedAs = reason;
    if (this.#idleTimer) this.deps.clock.clearTimeout(this.#idleTimer);
    this.#abort?.abort();
    this.#abort = null;
    this.#upstream.detach();
    this.ws.off('message', this.#upstream.onMessage);
    if (this.#live) {
      this.#live.pump.stop();
      if (!this.#park(reason, stats.phase)) releaseGuacd(this.#live.socket, this.deps.clock, this.deps.limits.guacdCloseGraceMs);
    }
    closeBrowser(this.ws, reason, notice, { terminate: options.terminate ?? false, status: options.status, label: options.label });
    const sessionId = this.#sessionId;
    const closed = {
      session: sessionId,
      reason,
      detail: options.detail,
      ms: this.deps.clock.now() - this.#openedAt,
      bytesDown: stats.bytesDown,
      bytesUp: stats.bytesUp,
    };
    if (sessionId === null) this.#log.info(closed, 'tunnel closed');
    else {
      // logged once the engine knows: what a process logs after this line sees the session's new state
      this.#tell(async () => {
        try {
          await this.deps.broker.markClosed(sessionId, reason);
        } finally {
          this.#log.info(closed, 'tunnel closed');
        }
      });
    }
    this.hooks.closed(this);
    return true;
  }

  async #run(request: TunnelRequest): Promise<void> {
    if (request.token === null) return this.#refuse('TOKEN_INVALID');
    let target: TunnelTarget;
    try {
      target = await this.deps.broker.redeemToken(request.token);
    } catch (error) {
      if (!isAppError(error)) this.#log.error({ err: error }, 'redeemToken failed');
      return this.#refuse(isAppError(error) ? error.code : 'INTERNAL');
    }
    this.#sessionId = target.sessionId;
    this.#terminalId = target.terminalId;
    this.#log.setBindings({ session: target.sessionId });
    if (this.#phase === 'closed') {
      // The browser left while the token was being redeemed; the engine still hears of it.
      this.#tell(() => this.deps.broker.markClosed(target.sessionId, this.#closedAs));
      return;
    }
    this.#upstream.setPolicy(
      new UpstreamPolicy(target.settings, {
        deviceUses: (use) => this.#tell(async () => this.deps.broker.recordDeviceUse?.(target.sessionId, use)),
        fileTransfers: (transfer) => this.#tell(async () => this.deps.broker.recordFileTransfer?.(target.sessionId, transfer)),
      }),
    );
    this.hooks.redeemed(this);
    this.#phase = 'connecting';
    await this.#connect(target, chooseDisplay(request, target.settings));
  }

  #refuse(code: ErrorCode): void {
    this.#log.info({ code }, 'tunnel token refused');
    this.close('protocol-violation', { status: statusForErrorCode(code), message: messageFor(code) }, { label: code, detail: code });
  }

  /** Keeps guacd's user attached for the browser's return, if the desktop was on screen and the session goes on. */
  #park(reason: TunnelCloseReason, phase: Phase): boolean {
    const live = this.#live;
    const parking = this.deps.parking;
    if (!live || !parking || this.#sessionId === null || phase !== 'live' || !PARKABLE.has(reason)) return false;
    if (live.socket.destroyed || !live.socket.readable || this.#upstream.browserDisconnected) return false;
    parking.park(this.#sessionId, live);
    return true;
  }

  /**
   * A parked desktop of this session is joined (`select,$id`): the current screen in one round
   * trip. True when done (joined, or the tunnel closed meanwhile); else why the join failed, or
   * null when nothing was parked to join.
   */
  async #join(target: TunnelTarget, display: DisplayChoice): Promise<true | GatewayAttemptError | null> {
    const parking = this.deps.parking;
    const parked = parking?.joinable(target.sessionId);
    if (!parking || !parked) return null;
    const gateway = target.gateways.find((g) => g.id === parked.gatewayId);
    if (!gateway) {
      parking.release(target.sessionId, "its gateway is no longer the pool's", parked.connectionId);
      return null;
    }
    this.#tell(() => this.deps.broker.markConnecting(target.sessionId, gateway.id));
    const abort = (this.#abort = new AbortController());
    const failure = await attemptGateway({
      ws: this.ws,
      deps: this.deps,
      target,
      gateway,
      display,
      signal: abort.signal,
      events: this,
      join: parked.connectionId,
    });
    // joined (our user is in) or not (the parked one is likely dead): either way it has done its job
    parking.release(target.sessionId, failure === null ? 'joined' : `join failed: ${failure.message}`, parked.connectionId);
    if (failure === null || this.#isClosed()) return true;
    this.#log.info({ kind: failure.kind, detail: failure.message }, 'joining the parked desktop failed; connecting anew');
    return failure;
  }

  async #connect(target: TunnelTarget, display: DisplayChoice): Promise<void> {
    if ((await this.#join(target, display)) === true) return;
    const { gateways } = target;
    const attempts = gateways.length === 0 ? 0 : Math.max(gateways.length, this.deps.limits.minAttempts);
    let last: GatewayAttemptError | null = null;
    const abort = (this.#abort = new AbortController());
    for (let i = 0; i < attempts && this.#phase !== 'closed'; i++) {
      const gateway = gateways[i % gateways.length]!;
      this.#tell(() => this.deps.broker.markConnecting(target.sessionId, gateway.id));
      const failure = await attemptGateway({
        ws: this.ws,
        deps: this.deps,
        target,
        gateway,
        display,
        signal: abort.signal,
        events: this,
        failFastWithoutLayer0: i < attempts - 1,
        keepLostSize: this.deps.parking ? (live) => this.#parkLostSize(target.sessionId, live) : undefined,
      });
      if (failure === null || this.#isClosed()) return;
      let failed = failure;
      if (failure.kind === 'lost-size') {
        this.#log.info({ gateway: gateway.id }, "guacd lost layer 0's size; joining the same connection for its whole screen");
        const joined = await this.#join(target, display);
        if (joined === true) return;
        this.#abort = abort; // #join had its own
        failed = joined ?? failure; // the join's own failure says more
      }
      last = failed;
      this.#log.warn({ gateway: gateway.id, host: gateway.host, port: gateway.port, kind: failed.kind, detail: failed.message }, 'gateway attempt failed');
      this.#tell(() => this.deps.broker.reportGatewayFailure(gateway.id, 'GATEWAY_UNAVAILABLE', `${failed.kind}: ${failed.message}`));
    }
    this.close(
      'gateway-failed',
      { status: last?.status ?? GUAC_STATUS.UPSTREAM_NOT_FOUND, message: messageFor('GATEWAY_UNAVAILABLE') },
      {
        detail: last ? `${last.kind}: ${last.message}` : 'the pool names no gateway',
      },
    );
  }

  /** guacd 1.3 lost layer 0's size for this fresh connection: parked, #join gets its whole screen. */
  #parkLostSize(sessionId: string, live: LiveGuacd): boolean {
    if (!this.deps.parking || live.socket.destroyed || this.#isClosed()) return false;
    this.deps.parking.park(sessionId, live);
    return true;
  }

  onCommitted(live: LiveGuacd): void {
    this.#live = live;
    this.#phase = 'live';
    this.#abort = null;
    this.#upstream.attach(live.socket);
    for (const missing of live.missingArgs) {
      this.#log.warn({ missing }, 'guacd does not know a clipboard parameter; the pool policy is only half enforced');
    }
  }

  onHeld(live: LiveGuacd, heldBytes: number): void {
    this.#log.debug({ gateway: live.gatewayId, heldBytes }, 'holding guacd output until the first frame');
  }

  onFirstFrame(live: LiveGuacd): void {
    const sessionId = this.sessionId;
    if (sessionId === null) return;
    this.#log.info({ gateway: live.gatewayId, connection: live.connectionId }, 'desktop on screen');
    this.#tell(() => this.deps.broker.markActive(sessionId, live.connectionId));
  }

  onStalled(detail: string): void {
    this.close('browser-closed', null, { terminate: true, detail });
  }

  /** The browser left; if guacd's error/disconnect was the last thing it got, the desktop ended it. */
  #browserClosed(): void {
    const lastWords = this.#live?.pump.lastWords();
    if (lastWords) this.onEnded(lastWords);
    // a stock client sends `disconnect` and closes at once: its close may come before guacd's answer
    else this.close('browser-closed', null, this.#upstream.browserDisconnected ? { detail: 'the browser left with disconnect' } : {});
  }

  onEnded(end: DownstreamEnd): void {
    // A stock client leaves with `disconnect`, and guacd answers with its own (1.6) or just
    // closes (1.3): a normal leave, not a failed desktop.
    if ((end.kind === 'guacd-closed' || end.kind === 'guacd-disconnect') && this.#upstream.browserDisconnected) {
      this.close('browser-closed', null, { detail: 'the browser left with disconnect' });
      return;
    }
    if (end.kind === 'guacd-error') {
      // guacd's own error already went to the browser.
      this.close('desktop-failed', null, { status: end.status, detail: `guacd ${end.status}: ${end.message}` });
    } else if (end.kind === 'guacd-disconnect') {
      this.close('desktop-failed', null, { detail: 'guacd disconnect' });
    } else {
      const detail = end.kind === 'bad-data' ? `guacd sent bad data: ${end.message}` : 'guacd closed the connection';
      this.close('gateway-failed', { status: GUAC_STATUS.UPSTREAM_ERROR, message: messageFor('GATEWAY_UNAVAILABLE') }, { detail });
    }
  }

  #violation(detail: string): void {
    this.#log.warn({ detail }, 'protocol violation from the browser');
    const message = `${messageFor('VALIDATION_FAILED')}: ${detail}`;
    this.close('protocol-violation', { status: GUAC_STATUS.CLIENT_BAD_REQUEST, message }, { detail });
  }

  /** a method, not a field read: the phase changes across awaits */
  #isClosed(): boolean {
    return this.#phase === 'closed';
  }

  #armIdle(ms: number): void {
    this.#idleTimer = this.deps.clock.setTimeout(() => this.#checkIdle(), ms);
  }

  #checkIdle(): void {
    this.#reportInput();
    const idle = this.deps.clock.now() - this.#upstream.lastMessageAt;
    const limit = this.deps.limits.browserIdleMs;
    if (idle < limit) return this.#armIdle(limit - idle);
    const message = `连接超时 / the tunnel timed out: nothing from the browser for ${Math.round(idle / 1000)} s`;
    this.close('browser-closed', { status: GUAC_STATUS.CLIENT_TIMEOUT, message }, { detail: `browser silent for ${idle} ms` });
  }

  /** Tells the engine the clerk is working (at most once per idle check) so idle limits spare them. */
  #reportInput(): void {
    const at = this.#upstream.lastInputAt;
    const sessionId = this.#sessionId;
    if (at <= this.#reportedInputAt || sessionId === null || !this.deps.broker.touch) return;
    this.#reportedInputAt = at;
    const broker = this.deps.broker;
    this.#tell(() => broker.touch!(sessionId));
  }

  /** Engine calls run one after another, so markClosed never overtakes markActive. */
  #tell(call: () => Promise<void>): void {
    this.#engine = this.#engine.then(call).catch((error: unknown) => {
      this.#log.error({ err: error }, 'brokering engine call failed');
    });
  }
}
