import type { TunnelCloseReason } from '../tunnel/tunnel-target.js';

/** The relay as the engine sees it: it can close a session's live tunnel (takeover, logoff). */
export interface LiveTunnels {
  /** `keepTerminalId`: a tunnel of that terminal stays (a takeover closes only the old terminal's) */
  closeSession(sessionId: string, reason: TunnelCloseReason, message: string, keepTerminalId?: string): boolean;
  /** the session ended: whatever the relay still keeps of it (a parked desktop) goes */
  sessionEnded?(sessionId: string): void;
}

export const noLiveTunnels: LiveTunnels = { closeSession: () => false };
