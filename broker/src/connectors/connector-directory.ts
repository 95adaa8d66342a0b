import { Op, QueryTypes, type Sequelize } from 'sequelize';
import type { ConnectorTarget } from '@yunzhuo/protocol/connector/index';
import { Desktop } from '../desktops/desktop.model.js';
import { Pool } from '../pools/pool.model.js';

/**
 * What a connector is told: the brokers to hold links to (each process's advertised
 * `connector_url` in `broker_instances`, alive by its heartbeat) and the desktops of its site
 * whose pool is reached through a connector (`settings.viaConnector`).
 */
export class ConnectorDirectory {
  constructor(private readonly deps: { sequelize: Sequelize; instanceId: string; now(): number }) {}

  /** Writes this process's advertised URL, once it knows its port. */
  async advertise(url: string | null): Promise<void> {
    await this.deps.sequelize.query('UPDATE broker_instances SET connector_url = :url WHERE id = :id', {
      replacements: { url, id: this.deps.instanceId },
    });
  }

  async brokerUrls(): Promise<string[]> {
    const rows = await this.deps.sequelize.query<{ connector_url: string; heartbeat_at: string | Date; heartbeat_ms: number }>(
      'SELECT connector_url, heartbeat_at, heartbeat_ms FROM broker_instances WHERE stopped_at IS NULL AND connector_url IS NOT NULL',
      { type: QueryTypes.SELECT },
    );
    const now = this.deps.now();
    const alive = rows.filter((r) => now - new Date(r.heartbeat_at).getTime() <= 3 * Number(r.heartbeat_ms));
    return [...new Set(alive.map((r) => r.connector_url))].sort();
  }

  async targetsOf(siteId: string): Promise<ConnectorTarget[]> {
    const pools = await Pool.findAll({ where: { siteId }, attributes: ['id', 'settings'] });
    const ids = pools.filter((p) => p.settings.viaConnector === true).map((p) => p.id);
    if (ids.length === 0) return [];
    const desktops = await Desktop.findAll({ where: { poolId: { [Op.in]: ids } }, attributes: ['host', 'port'], raw: true });
    const seen = new Map(desktops.map((d) => [`${d.host}:${d.port}`, { host: d.host, port: d.port }]));
    return [...seen.values()];
  }

  /** the site whose connector carries this desktop, or null when its pool is reached directly */
  async siteOfDesktop(desktopId: string): Promise<string | null> {
    const desktop = await Desktop.findByPk(desktopId, { attributes: ['siteId', 'poolId'], raw: true });
    if (!desktop) return null;
    const pool = await Pool.findByPk(desktop.poolId, { attributes: ['siteId', 'settings'] });
    return pool?.settings.viaConnector === true ? pool.siteId : null;
  }
}
