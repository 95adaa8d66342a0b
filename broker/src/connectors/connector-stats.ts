import type { ConnectorToBroker } from '@yunzhuo/protocol/connector/index';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { Connector } from './connector.model.js';

type Stats = Extract<ConnectorToBroker, { type: 'stats' }>;

/**
 * Health of each connector as the console shows it: last seen, RTT, throughput (bytes per
 * second carried through this broker's link since the previous report) and open streams,
 * written to the connector's row at each report (every few seconds per link).
 */
export class ConnectorStats {
  readonly #previous = new Map<string, { at: number; out: number; in: number }>();

  constructor(private readonly deps: { clock: Clock; logger: Logger }) {}

  async connected(connectorId: string, address: string | null): Promise<void> {
    this.#previous.delete(connectorId);
    await Connector.update({ lastSeenAt: new Date(this.deps.clock.now()), address }, { where: { id: connectorId } });
  }

  disconnected(connectorId: string): void {
    this.#previous.delete(connectorId);
  }

  report(connectorId: string, stats: Stats, bytes: { out: number; in: number }): void {
    const now = this.deps.clock.now();
    const previous = this.#previous.get(connectorId);
    this.#previous.set(connectorId, { at: now, ...bytes });
    const seconds = previous ? (now - previous.at) / 1000 : 0;
    const rate = (delta: number) => (seconds > 0 ? Math.max(0, Math.round(delta / seconds)) : null);
    Connector.update(
      {
        lastSeenAt: new Date(now),
        rttMs: stats.rttMs === null ? null : Math.round(stats.rttMs),
        streams: stats.streams,
        ...(previous ? { throughputUpBps: rate(bytes.out - previous.out), throughputDownBps: rate(bytes.in - previous.in) } : {}),
      },
      { where: { id: connectorId, state: 'active' } },
    ).catch((err: unknown) => this.deps.logger.warn({ err, connectorId }, 'connector stats not written'));
  }
}
