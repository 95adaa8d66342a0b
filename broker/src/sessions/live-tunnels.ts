import type { TunnelCloseReason } from '../tunnel/tunnel-target.js';

/** The relay as the engine sees it: it can close a session's live tunnel (takeover, logoff). */
export interface LiveTunnels {
  closeSession(sessionId: string, reason: TunnelCloseReason, message: string): boolean;
  /** the session ended: whatever the relay still keeps of it (a parked desktop) goes */
  sessionEnded?(sessionId: string): void;
}

export const noLiveTunnels: LiveTunnels = { closeSession: () => false };
