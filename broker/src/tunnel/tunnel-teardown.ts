import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { encodeInstruction } from '@yunzhuo/protocol';
import type { Clock } from '../lib/clock.js';
import { GUAC_STATUS, closeReason, errorInstruction } from './guac-status.codes.js';
import type { TunnelCloseReason } from './tunnel-target.js';

/** What the browser is told before the WebSocket closes: an `error` instruction. */
export interface CloseNotice {
  status: number;
  message: string;
}

const DISCONNECT = encodeInstruction('disconnect');
const NORMAL_REASONS: ReadonlySet<TunnelCloseReason> = new Set(['browser-closed', 'logoff', 'taken-over', 'ended-by-admin']);

/** guacd ends its connection when its last user leaves: say `disconnect`, then give it a moment to close. */
export function releaseGuacd(socket: Socket, clock: Clock, graceMs: number): void {
  if (socket.destroyed) return;
  socket.resume(); // discard whatever still arrives
  socket.end(DISCONNECT);
  const timer = clock.setTimeout(() => socket.destroy(), graceMs);
  timer.unref?.();
  socket.once('close', () => clock.clearTimeout(timer));
}

/**
 * Sends the notice (if any) and closes with a reason that starts with the Guacamole status,
 * which Guacamole.WebSocketTunnel parses. `terminate` drops a browser that does not read.
 */
export function closeBrowser(
  ws: WebSocket,
  reason: TunnelCloseReason,
  notice: CloseNotice | null,
  options: { terminate: boolean; status?: number; label?: string },
): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (options.terminate) {
    ws.terminate();
    return;
  }
  if (notice) ws.send(errorInstruction(notice.message, notice.status));
  const status = notice?.status ?? options.status ?? GUAC_STATUS.SUCCESS;
  const code = NORMAL_REASONS.has(reason) || status === GUAC_STATUS.SUCCESS ? 1000 : status >= 0x0300 ? 1008 : 1011;
  ws.close(code, closeReason(status, options.label ?? reason));
}
