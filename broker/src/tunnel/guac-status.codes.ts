import { ERRORS, type ErrorCode } from '@yunzhuo/protocol/errors';
import { encodeInstruction } from '@yunzhuo/protocol';
import type { TunnelCloseReason } from './tunnel-target.js';

/** Guacamole protocol status codes (the second element of `error`), as guacamole-common-js knows them. */
export const GUAC_STATUS = {
  SUCCESS: 0x0000,
  SERVER_ERROR: 0x0200,
  SERVER_BUSY: 0x0201,
  UPSTREAM_TIMEOUT: 0x0202,
  UPSTREAM_ERROR: 0x0203,
  RESOURCE_CLOSED: 0x0206,
  UPSTREAM_NOT_FOUND: 0x0207,
  UPSTREAM_UNAVAILABLE: 0x0208,
  SESSION_CONFLICT: 0x0209,
  SESSION_CLOSED: 0x020b,
  CLIENT_BAD_REQUEST: 0x0300,
  CLIENT_UNAUTHORIZED: 0x0301,
  CLIENT_FORBIDDEN: 0x0303,
  CLIENT_TIMEOUT: 0x0308,
  CLIENT_OVERRUN: 0x030d,
} as const;

export function statusForErrorCode(code: ErrorCode): number {
  switch (code) {
    case 'TOKEN_EXPIRED':
    case 'TOKEN_USED':
    case 'TOKEN_INVALID':
    case 'TERMINAL_UNKNOWN':
    case 'TERMINAL_REVOKED':
    case 'UNAUTHENTICATED':
      return GUAC_STATUS.CLIENT_UNAUTHORIZED;
    case 'FORBIDDEN':
    case 'NOT_ENTITLED':
      return GUAC_STATUS.CLIENT_FORBIDDEN;
    case 'SESSION_ENDED':
      return GUAC_STATUS.SESSION_CLOSED;
    case 'GATEWAY_UNAVAILABLE':
      return GUAC_STATUS.UPSTREAM_NOT_FOUND;
    case 'DESKTOP_UNAVAILABLE':
      return GUAC_STATUS.UPSTREAM_ERROR;
    case 'VALIDATION_FAILED':
      return GUAC_STATUS.CLIENT_BAD_REQUEST;
    default:
      return GUAC_STATUS.SERVER_ERROR;
  }
}

/** Status the browser sees when the engine closes a tunnel (closeSession). */
export function statusForCloseReason(reason: TunnelCloseReason): number {
  switch (reason) {
    case 'taken-over':
      return GUAC_STATUS.SESSION_CONFLICT;
    case 'logoff':
    case 'ended-by-admin':
      return GUAC_STATUS.SESSION_CLOSED;
    case 'broker-shutdown':
      return GUAC_STATUS.SERVER_BUSY;
    case 'protocol-violation':
      return GUAC_STATUS.CLIENT_BAD_REQUEST;
    case 'gateway-failed':
      return GUAC_STATUS.UPSTREAM_UNAVAILABLE;
    case 'desktop-failed':
      return GUAC_STATUS.UPSTREAM_ERROR;
    case 'browser-closed':
      return GUAC_STATUS.CLIENT_TIMEOUT;
  }
}

/** The text shown to the clerk: our message, then the stable code to quote to the IT center. */
export function messageFor(code: ErrorCode): string {
  return `${ERRORS[code].zh} / ${ERRORS[code].en} (${code})`;
}

/** `error,<message>,<status>;` — Guacamole.Client reports it through onerror and disconnects. */
export function errorInstruction(message: string, status: number): string {
  return encodeInstruction('error', message, status);
}

/**
 * WebSocket close reason: Guacamole.WebSocketTunnel reads `parseInt(event.reason)` as the status,
 * so the reason starts with the status number. Kept ASCII and under the 123-byte limit.
 */
export function closeReason(status: number, label: string): string {
  return `${status} ${label}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
}
