import type { TunnelCloseReason } from '../tunnel/tunnel-target.js';

/** The relay as the engine sees it: it can close a session's live tunnel (takeover, logoff). */
export interface LiveTunnels {
  closeSession(sessionId: string, reason: TunnelCloseReason, message: string): boolean;
}

export const noLiveTunnels: LiveTunnels = { closeSession: () => false };
