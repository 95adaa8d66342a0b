import type { Socket } from 'node:net';
import type { InstructionBoundaryScanner } from '@yunzhuo/protocol';
import type { WebSocket } from 'ws';
import type { Clock } from '../lib/clock.js';
import { DownstreamPump, type DownstreamEnd, type DownstreamEvents } from './downstream.pump.js';
import { GUAC_STATUS } from './guac-status.codes.js';
import { buildHandshakeReply, missingPolicyArgs, rdpParameters } from './guacd-handshake.builder.js';
import { GatewayAttemptError, connectGuacd, type GuacdConnection } from './guacd.connector.js';
import type { TunnelTarget } from './tunnel-target.js';
import type { TunnelLimits } from './tunnel.limits.js';
import type { DisplayChoice } from './tunnel-query.parser.js';

export type Gateway = TunnelTarget['gateways'][number];

export interface LiveGuacd {
  socket: Socket;
  /** reads `socket` at instruction boundaries (kept for parking: it may hold half an instruction) */
  scanner: InstructionBoundaryScanner;
  pump: DownstreamPump;
  connectionId: string;
  gatewayId: string;
  /** clipboard parameters the pool needs that this guacd does not know */
  missingArgs: string[];
}

/** What the tunnel hears from an attempt; implemented as methods by TunnelConnection. */
export interface AttemptEvents {
  /** called synchronously when the browser gets this gateway's first bytes: the tunnel owns `live` from now on */
  onCommitted(live: LiveGuacd): void;
  onFirstFrame(live: LiveGuacd): void;
  /** guacd's output is held until the first frame: `heldBytes` so far */
  onHeld?(live: LiveGuacd, heldBytes: number): void;
  onEnded(end: DownstreamEnd): void;
  onStalled(detail: string): void;
}

export interface AttemptOptions {
  ws: WebSocket;
  deps: { clock: Clock; limits: TunnelLimits };
  target: TunnelTarget;
  gateway: Gateway;
  display: DisplayChoice;
  /** aborting ends a pending attempt (its socket is destroyed) */
  signal: AbortSignal;
  events: AttemptEvents;
  /** join this live guacd connection (a parked desktop) instead of a new RDP login */
  join?: string | undefined;
  /**
   * Give up at the first `sync` that comes before layer 0's `size` instead of waiting out
   * firstFrameTimeoutMs: guacd 1.3 sent that size to nobody and never repeats it. Not on the last
   * attempt, in case some server legitimately sends its size late.
   */
  failFastWithoutLayer0?: boolean;
  /**
   * At the first `sync` before layer 0's `size` (on any attempt): takes the connection over
   * (parks it) and returns true, so that the tunnel joins that same connection, whose screen
   * guacd then sends whole, size included. A new RDP login instead would leave the lost one's
   * xrdp process holding the session's channels (xrdp-chansrv serves one at a time: the
   * clipboard stays dead until it goes, 10–15 s later). False: the attempt is given up as before.
   */
  keepLostSize?: ((live: LiveGuacd) => boolean) | undefined;
}

/**
 * One gateway: TCP + handshake, then guacd's output is held until the first frame (layer-0
 * `size` and a `sync`). Resolves null once committed to the browser, or the reason it failed.
 */
export async function attemptGateway(options: AttemptOptions): Promise<GatewayAttemptError | null> {
  const { deps, target, display, gateway } = options;
  const conn = await connectGuacd({
    host: gateway.host,
    port: gateway.port,
    clock: deps.clock,
    timeoutMs: deps.limits.connectTimeoutMs,
    maxInstructionBytes: deps.limits.maxDownstreamInstructionBytes,
    signal: options.signal,
    join: options.join,
    reply: (args) =>
      buildHandshakeReply(args, rdpParameters(target, display), {
        display,
        settings: target.settings,
        name: target.terminalId ?? target.sessionId,
      }),
  }).catch((error: unknown) => {
    if (error instanceof GatewayAttemptError) return error;
    throw error;
  });
  if (conn instanceof GatewayAttemptError) return conn;
  return new Promise((resolve) => new HeldAttempt(options, conn, resolve).start());
}

/**
 * The part of an attempt between `ready` and the first frame. After the commit it only relays
 * the pump's events, so it keeps nothing of the attempt's options (memory per idle tunnel).
 */
class HeldAttempt implements DownstreamEvents {
  readonly #live: LiveGuacd;
  readonly #events: AttemptEvents;
  readonly #firstFrameTimeoutMs: number;
  readonly #failFast: boolean;
  readonly #keepLostSize: ((live: LiveGuacd) => boolean) | undefined;
  /** only guacd before 1.5 loses layer 0's size; from 1.5 on a sync before it is normal */
  readonly #mayLoseLayer0Size: boolean;
  #signal: AbortSignal | null;
  #leftover: Buffer | null;
  #resolve: ((failure: GatewayAttemptError | null) => void) | null;
  readonly #onAbort: () => void;

  constructor(options: AttemptOptions, conn: GuacdConnection, resolve: (failure: GatewayAttemptError | null) => void) {
    const pump = new DownstreamPump(options.ws, conn.socket, conn.scanner, options.deps, this);
    const missingArgs = missingPolicyArgs(options.target.settings, conn.argNames);
    this.#live = { socket: conn.socket, scanner: conn.scanner, pump, connectionId: conn.connectionId, gatewayId: options.gateway.id, missingArgs };
    this.#events = options.events;
    this.#firstFrameTimeoutMs = options.deps.limits.firstFrameTimeoutMs;
    this.#failFast = options.failFastWithoutLayer0 ?? false;
    this.#keepLostSize = options.keepLostSize;
    this.#mayLoseLayer0Size = conn.traits.mayLoseLayer0Size;
    this.#signal = options.signal;
    this.#leftover = conn.leftover;
    this.#resolve = resolve;
    this.#onAbort = () => this.#abandon(new GatewayAttemptError('closed', 'aborted', GUAC_STATUS.RESOURCE_CLOSED));
  }

  start(): void {
    if (this.#signal?.aborted) return this.#onAbort();
    this.#signal?.addEventListener('abort', this.#onAbort);
    const leftover = this.#leftover;
    this.#leftover = null;
    this.#live.pump.start(leftover);
  }

  onCommitted(): void {
    this.#settle(null);
    this.#events.onCommitted(this.#live);
  }

  onFirstFrame(): void {
    this.#events.onFirstFrame(this.#live);
  }

  onHeld(heldBytes: number): void {
    this.#events.onHeld?.(this.#live, heldBytes);
  }

  onFirstFrameTimeout(): void {
    const ms = this.#firstFrameTimeoutMs;
    this.#abandon(new GatewayAttemptError('no-first-frame', `no layer-0 size and sync within ${ms} ms of ready`, GUAC_STATUS.UPSTREAM_TIMEOUT));
  }

  onSyncBeforeLayer0(): void {
    if (!this.#mayLoseLayer0Size) return;
    const detail = "a sync came before layer 0's size (guacd lost it)";
    if (this.#keepLostSize) {
      this.#live.pump.stop();
      if (this.#keepLostSize(this.#live)) return this.#settle(new GatewayAttemptError('lost-size', detail, GUAC_STATUS.UPSTREAM_TIMEOUT));
      return this.#abandon(new GatewayAttemptError('no-first-frame', detail, GUAC_STATUS.UPSTREAM_TIMEOUT));
    }
    if (this.#failFast) this.#abandon(new GatewayAttemptError('no-first-frame', detail, GUAC_STATUS.UPSTREAM_TIMEOUT));
  }

  onEnded(end: DownstreamEnd): void {
    if (this.#live.pump.committed) this.#events.onEnded(end);
    else this.#abandon(new GatewayAttemptError('closed', `guacd ended before the first frame (${end.kind})`, GUAC_STATUS.UPSTREAM_ERROR));
  }

  onStalled(detail: string): void {
    this.#events.onStalled(detail);
  }

  #abandon(failure: GatewayAttemptError): void {
    this.#live.pump.stop();
    this.#live.socket.destroy();
    this.#settle(failure);
  }

  #settle(failure: GatewayAttemptError | null): void {
    const resolve = this.#resolve;
    if (resolve === null) return;
    this.#resolve = null;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#signal = null;
    resolve(failure);
  }
}
