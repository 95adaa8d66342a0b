import { Op } from 'sequelize';
import { DEFAULT_PRESENCE_TIMINGS, MISSED_BEATS, storedHeartbeatMs } from '../../agents/presence.service.js';
import type { Clock } from '../../lib/clock.js';
import type { LiveEvents } from '../../lib/live-events.js';
import { Terminal } from '../../terminals/terminal.model.js';
import type { RepairLog } from './repairs.js';

/** beyond the missed beats: the holding process writes a beat at its next flush, and clocks of two machines differ a little */
const SLACK_MS = 5_000;
/** the shortest heartbeat an agent may run (its configuration allows 100 ms): no terminal is stale sooner */
const SHORTEST_HEARTBEAT_MS = 100;

/**
 * A terminal stored online that no broker process has seen beat for longer than its heartbeat
 * allows. The process holding its agent's socket writes `last_seen_at` within a second of every
 * beat, and expires a silent agent itself; so this is a terminal whose broker process died with
 * it (a surviving process never knew it). Terminals this process tracks are its presence
 * service's to expire (after a restart, every terminal left online). Marked offline only if no
 * beat was written since it was read, and announced; a process that does hold it answers the
 * announcement by writing it online again. Clocks of the broker machines must agree within a few
 * seconds (NTP).
 */
export async function repairStaleTerminals(
  deps: { clock: Clock; events: LiveEvents; trackedHere: (terminalId: string) => boolean },
  log: RepairLog,
): Promise<void> {
  const now = deps.clock.now();
  const fewestMs = MISSED_BEATS * SHORTEST_HEARTBEAT_MS + SLACK_MS;
  const candidates = await Terminal.findAll({
    where: { online: true, lastSeenAt: { [Op.lt]: new Date(now - fewestMs) } },
    attributes: ['id', 'siteId', 'windowId', 'state', 'lastSeenAt', 'info'],
  });
  for (const t of candidates) {
    if (deps.trackedHere(t.id)) continue;
    const intervalMs = storedHeartbeatMs(t.info, DEFAULT_PRESENCE_TIMINGS.defaultIntervalMs);
    const silentMs = now - t.lastSeenAt!.getTime();
    if (silentMs <= MISSED_BEATS * intervalMs + SLACK_MS) continue;
    const [moved] = await Terminal.update({ online: false }, { where: { id: t.id, online: true, lastSeenAt: t.lastSeenAt }, silent: true });
    if (moved === 0) continue;
    deps.events.publish('terminal.changed', { id: t.id, state: t.state, siteId: t.siteId, windowId: t.windowId, online: false });
    await log.add(
      {
        kind: 'terminal-stale',
        targetType: 'terminal',
        targetId: t.id,
        reason: `online, but no broker process has seen it for ${Math.round(silentMs / 1000)} s`,
      },
      t.siteId,
      { heartbeatMs: intervalMs },
    );
  }
}
