import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { Op } from 'sequelize';
import type { Clock } from '../../lib/clock.js';
import { BrokerInstance } from './broker-instance.model.js';

/** heartbeats a process may miss before it is taken for dead */
const MISSED_BEATS = 3;

/** hostname + pid namespace: two processes with equal `machine` can see each other's pids */
export function machineId(): string {
  let ns = '';
  try {
    ns = readlinkSync('/proc/self/ns/pid');
  } catch {
    /* not Linux: hostname alone, and the pid shortcut below still needs a stale heartbeat */
  }
  return `${hostname()}/${ns}`.slice(0, 255);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * This broker process's row in `broker_instances`, refreshed by a heartbeat. A session's tunnel
 * lives in exactly one process (`sessions.broker_instance`); when that process is gone, the
 * reconciler finds it here. Gone = stopped cleanly, heartbeat missed three times, or (same
 * machine, heartbeat already late) its pid no longer exists — so a SIGKILLed broker restarted
 * on the same host is recognised at once instead of after three beats.
 */
export class BrokerInstances {
  readonly id = randomUUID();
  readonly #machine = machineId();

  constructor(
    private readonly clock: Clock,
    readonly heartbeatMs: number,
  ) {}

  async register(): Promise<void> {
    const now = new Date(this.clock.now());
    await BrokerInstance.create({
      id: this.id,
      machine: this.#machine,
      pid: process.pid,
      startedAt: now,
      heartbeatAt: now,
      heartbeatMs: this.heartbeatMs,
      stoppedAt: null,
    });
  }

  async heartbeat(): Promise<void> {
    await BrokerInstance.update({ heartbeatAt: new Date(this.clock.now()) }, { where: { id: this.id } });
  }

  async stopped(): Promise<void> {
    await BrokerInstance.update({ stoppedAt: new Date(this.clock.now()) }, { where: { id: this.id } });
  }

  /** Ids of other broker processes that are gone, with why. */
  async dead(): Promise<Map<string, string>> {
    const now = this.clock.now();
    const dead = new Map<string, string>();
    for (const b of await BrokerInstance.findAll({ where: { id: { [Op.ne]: this.id } } })) {
      const late = now - b.heartbeatAt.getTime();
      if (b.stoppedAt) dead.set(b.id, 'stopped');
      else if (late > MISSED_BEATS * b.heartbeatMs) dead.set(b.id, `no heartbeat for ${Math.round(late / 1000)} s`);
      else if (b.machine === this.#machine && late > b.heartbeatMs && !processExists(b.pid)) dead.set(b.id, `process ${b.pid} is gone`);
    }
    return dead;
  }

  /** Forgets processes dead for a day (their sessions were repaired long ago). */
  async prune(): Promise<number> {
    const dayAgo = new Date(this.clock.now() - 86_400_000);
    return BrokerInstance.destroy({ where: { id: { [Op.ne]: this.id }, heartbeatAt: { [Op.lt]: dayAgo } } });
  }
}
