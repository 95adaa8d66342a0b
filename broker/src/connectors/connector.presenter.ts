import { iso } from '../http/refs.js';
import type { Connector } from './connector.model.js';

/** A connector row on the wire: never the secret hash. `links`: live links to broker processes (from the hub). */
export function presentConnector(c: Connector, live: { links: number; desktops: number } = { links: 0, desktops: 0 }) {
  return {
    id: c.id,
    siteId: c.siteId,
    name: c.name,
    state: c.state,
    connectorVersion: c.connectorVersion,
    address: c.address,
    lastSeenAt: iso(c.lastSeenAt),
    rttMs: c.rttMs,
    throughputUpBps: c.throughputUpBps,
    throughputDownBps: c.throughputDownBps,
    streams: c.streams,
    revokedAt: iso(c.revokedAt),
    createdAt: iso(c.createdAt)!,
    links: live.links,
    desktops: live.desktops,
  };
}
export type ConnectorOut = ReturnType<typeof presentConnector>;
