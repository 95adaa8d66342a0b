import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Clock } from '../lib/clock.js';
import { DownstreamPump, type DownstreamEnd } from './downstream.pump.js';
import { GUAC_STATUS } from './guac-status.codes.js';
import { buildHandshakeReply, rdpParameters } from './guacd-handshake.builder.js';
import { GatewayAttemptError, connectGuacd } from './guacd.connector.js';
import type { TunnelTarget } from './tunnel-target.js';
import type { TunnelLimits } from './tunnel.limits.js';
import type { DisplayChoice } from './tunnel-query.parser.js';

export type Gateway = TunnelTarget['gateways'][number];

export interface LiveGuacd {
  socket: Socket;
  pump: DownstreamPump;
  connectionId: string;
  argNames: string[];
}

export interface AttemptEvents {
  /** called synchronously when the browser gets this gateway's first bytes: it owns `live` from now on */
  committed(live: LiveGuacd): void;
  firstFrame(connectionId: string): void;
  ended(end: DownstreamEnd): void;
  stalled(detail: string): void;
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
}

/**
 * One gateway: TCP + handshake, then hold guacd's output until the first frame (layer-0 `size`
 * and a `sync`). Resolves null once committed to the browser, or the reason it failed.
 */
export async function attemptGateway(options: AttemptOptions): Promise<GatewayAttemptError | null> {
  const { ws, deps, target, gateway, display, signal, events } = options;
  const conn = await connectGuacd({
    host: gateway.host,
    port: gateway.port,
    clock: deps.clock,
    timeoutMs: deps.limits.connectTimeoutMs,
    maxInstructionBytes: deps.limits.maxDownstreamInstructionBytes,
    signal,
    reply: (args) => buildHandshakeReply(args, rdpParameters(target, display), {
      display, settings: target.settings, name: target.terminalId ?? target.sessionId,
    }),
  }).catch((error: unknown) => {
    if (error instanceof GatewayAttemptError) return error;
    throw error;
  });
  if (conn instanceof GatewayAttemptError) return conn;

  return new Promise((resolve) => {
    let settled = false;
    const settle = (failure: GatewayAttemptError | null): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(failure);
    };
    const abandon = (failure: GatewayAttemptError): void => {
      pump.stop();
      conn.socket.destroy();
      settle(failure);
    };
    const onAbort = (): void => abandon(new GatewayAttemptError('closed', 'aborted', GUAC_STATUS.RESOURCE_CLOSED));
    const pump: DownstreamPump = new DownstreamPump(ws, conn.socket, conn.scanner, deps, {
      committed: () => {
        settle(null);
        events.committed({ socket: conn.socket, pump, connectionId: conn.connectionId, argNames: conn.argNames });
      },
      firstFrame: () => events.firstFrame(conn.connectionId),
      firstFrameTimeout: () => abandon(new GatewayAttemptError(
        'no-first-frame', `no layer-0 size and sync within ${deps.limits.firstFrameTimeoutMs} ms of ready`, GUAC_STATUS.UPSTREAM_TIMEOUT,
      )),
      ended: (end) => {
        if (pump.committed) events.ended(end);
        else abandon(new GatewayAttemptError('closed', `guacd ended before the first frame (${end.kind})`, GUAC_STATUS.UPSTREAM_ERROR));
      },
      stalled: (detail) => events.stalled(detail),
    });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    pump.start(conn.leftover);
  });
}
