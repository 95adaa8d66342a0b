import Guacamole from 'guacamole-common-js';

export type TroubleKind = 'taken-over' | 'session-ended' | 'desktop-down' | 'gateway-down' | 'network' | 'refused';

/** Why a desktop connection dropped, in words the clerk can act on. */
export interface Trouble {
  kind: TroubleKind;
  /** the relay's or guacd's own text (the relay's reads `中文 / English (CODE)`), if any */
  message: string | null;
  /** a broker error code, when one is known */
  code: string | null;
  /** the Guacamole status, when the tunnel gave one */
  status: number | null;
  /** no use retrying: the session is over or lives elsewhere now */
  final: boolean;
}

const S = Guacamole.Status.Code;

/** `会话已结束 / The session has ended (SESSION_ENDED)` → SESSION_ENDED */
function codeIn(message: string | null): string | null {
  return message ? (/\(([A-Z][A-Z_]+)\)\s*$/.exec(message)?.[1] ?? null) : null;
}

/** From a Guacamole status (the relay's `error` instruction or WebSocket close reason). */
export function troubleOfStatus(status: number, rawMessage: string | null): Trouble {
  // the WebSocket close reason is "<status> <label>": not a message for people
  const message = rawMessage && !/^\d+(\s|$)/.test(rawMessage) ? rawMessage : null;
  const code = codeIn(message);
  const make = (kind: TroubleKind, final = false): Trouble => ({ kind, message, code, status, final });
  if (status === S.SESSION_CONFLICT) return make('taken-over', true);
  if (status === S.SESSION_CLOSED || code === 'SESSION_ENDED') return make('session-ended', true);
  if (code === 'GATEWAY_UNAVAILABLE') return make('gateway-down');
  if (code === 'DESKTOP_UNAVAILABLE') return make('desktop-down');
  if (status === S.CLIENT_UNAUTHORIZED || status === S.CLIENT_FORBIDDEN) return make('refused');
  // guacd spoke (the gateway is up) but the desktop behind it failed
  if (message && (status === S.UPSTREAM_ERROR || status === S.UPSTREAM_NOT_FOUND || status === S.UPSTREAM_UNAVAILABLE || status === S.UPSTREAM_TIMEOUT)) {
    return make('desktop-down');
  }
  return make('network');
}

/** From a failed `tunnel-token` call while reconnecting (a WindowApiError, read by shape). */
export function troubleOfApiError(error: unknown): Trouble {
  const refusal = error as { code?: unknown; serverMessage?: unknown } | null;
  if (typeof refusal?.code !== 'string') return { kind: 'network', message: null, code: null, status: null, final: false };
  const base = { message: typeof refusal.serverMessage === 'string' ? refusal.serverMessage : null, code: refusal.code, status: null };
  switch (refusal.code) {
    case 'SESSION_ENDED':
      return { ...base, kind: 'session-ended', final: true };
    case 'NOT_FOUND': // the session is held by another terminal now
      return { ...base, kind: 'taken-over', final: true };
    case 'TERMINAL_UNKNOWN':
    case 'TERMINAL_REVOKED':
      return { ...base, kind: 'refused', final: true };
    default:
      return { ...base, kind: 'network', final: false };
  }
}

/** The relay writes `中文 / English (CODE)`: the part in the page's language, without the code. */
export function relayText(message: string, lang: 'zh-CN' | 'en'): string {
  const withoutCode = message.replace(/\s*\([A-Z][A-Z_]+\)\s*$/, '');
  const parts = withoutCode.split(' / ');
  if (parts.length !== 2) return withoutCode;
  return (lang === 'en' ? parts[1] : parts[0])!.trim();
}
