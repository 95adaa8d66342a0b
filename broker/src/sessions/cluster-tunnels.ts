import { Op } from 'sequelize';
import { z } from 'zod';
import { every, type Clock } from '../lib/clock.js';
import type { ClusterBus } from '../lib/cluster-bus.js';
import type { Logger } from '../lib/logger.js';
import type { TunnelServer } from '../tunnel/tunnel.server.js';
import { TUNNEL_CLOSE_REASONS } from '../tunnel/tunnel-target.js';
import type { LiveTunnels } from './live-tunnels.js';
import { DesktopSession } from './session.model.js';

const closeMessage = z.object({
  sessionId: z.string().uuid(),
  reason: z.enum(TUNNEL_CLOSE_REASONS),
  message: z.string().max(500),
  keepTerminalId: z.string().uuid().optional(),
});
const endedMessage = z.object({ sessionId: z.string().uuid() });

/** how often, with several brokers, the tunnels held here are checked against their sessions */
export const STRAY_CHECK_MS = 5000;

type LocalTunnels = Pick<TunnelServer, 'closeSession' | 'sessionEnded' | 'held'>;

/**
 * The relay of this process plus every other broker's: a takeover or a logoff handled here
 * also closes the session's tunnel (or parked desktop) wherever it runs. The bus can lose a
 * message (a connection being reopened), so each process also checks, every STRAY_CHECK_MS and
 * whenever its bus reconnects, that every tunnel it holds still belongs to a live session of that
 * terminal: nothing keeps streaming a desktop that was given to someone else.
 */
export function clusterTunnels(local: LocalTunnels, bus: ClusterBus, logger: Logger, clock: Clock): LiveTunnels & { close(): void } {
  bus.subscribe('tunnel.close', (payload) => {
    const m = closeMessage.safeParse(payload);
    if (m.success) local.closeSession(m.data.sessionId, m.data.reason, m.data.message, m.data.keepTerminalId);
  });
  bus.subscribe('tunnel.session-ended', (payload) => {
    const m = endedMessage.safeParse(payload);
    if (m.success) local.sessionEnded(m.data.sessionId);
  });
  let stopChecks: () => void = () => undefined;
  if (bus.clustered) {
    const check = () => void closeStrayTunnels(local).catch((err: unknown) => logger.warn({ err }, 'stray tunnel check failed'));
    stopChecks = every(clock, STRAY_CHECK_MS, check);
    bus.onReconnect(check);
  }
  return {
    closeSession(sessionId, reason, message, keepTerminalId) {
      bus.publish('tunnel.close', { sessionId, reason, message, ...(keepTerminalId ? { keepTerminalId } : {}) });
      return local.closeSession(sessionId, reason, message, keepTerminalId);
    },
    sessionEnded(sessionId) {
      bus.publish('tunnel.session-ended', { sessionId });
      local.sessionEnded(sessionId);
    },
    close() {
      stopChecks();
    },
  };
}

/** Closes tunnels whose session ended or moved to another terminal; lets go of parked desktops of ended sessions. */
export async function closeStrayTunnels(local: LocalTunnels): Promise<number> {
  const { tunnels, parked } = local.held();
  const ids = [...new Set([...tunnels.map((t) => t.sessionId), ...parked])];
  if (ids.length === 0) return 0;
  const rows = await DesktopSession.findAll({ where: { id: { [Op.in]: ids } }, attributes: ['id', 'state', 'terminalId'], raw: true });
  const byId = new Map(rows.map((r) => [r.id, r]));
  let closed = 0;
  for (const t of tunnels) {
    const s = byId.get(t.sessionId);
    if (!s || s.state === 'ended') {
      if (local.closeSession(t.sessionId, 'ended-by-admin', '会话已结束 / the session has ended')) closed++;
    } else if (t.terminalId !== null && s.terminalId !== t.terminalId) {
      if (local.closeSession(t.sessionId, 'taken-over', '已在其他窗口登录 / signed in at another window', s.terminalId ?? undefined)) closed++;
    }
  }
  for (const id of parked) {
    const s = byId.get(id);
    if (!s || s.state === 'ended') local.sessionEnded(id);
  }
  return closed;
}
