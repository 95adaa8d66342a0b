import { z } from 'zod';
import type { ClusterBus } from '../lib/cluster-bus.js';
import { TUNNEL_CLOSE_REASONS } from '../tunnel/tunnel-target.js';
import type { LiveTunnels } from './live-tunnels.js';

const closeMessage = z.object({ sessionId: z.string().uuid(), reason: z.enum(TUNNEL_CLOSE_REASONS), message: z.string().max(500) });
const endedMessage = z.object({ sessionId: z.string().uuid() });

/**
 * The relay of this process plus every other broker's: a takeover or a logoff handled here
 * also closes the session's tunnel (or parked desktop) wherever it runs.
 */
export function clusterTunnels(local: LiveTunnels, bus: ClusterBus): LiveTunnels {
  bus.subscribe('tunnel.close', (payload) => {
    const m = closeMessage.safeParse(payload);
    if (m.success) local.closeSession(m.data.sessionId, m.data.reason, m.data.message);
  });
  bus.subscribe('tunnel.session-ended', (payload) => {
    const m = endedMessage.safeParse(payload);
    if (m.success) local.sessionEnded?.(m.data.sessionId);
  });
  return {
    closeSession(sessionId, reason, message) {
      bus.publish('tunnel.close', { sessionId, reason, message });
      return local.closeSession(sessionId, reason, message);
    },
    sessionEnded(sessionId) {
      bus.publish('tunnel.session-ended', { sessionId });
      local.sessionEnded?.(sessionId);
    },
  };
}
