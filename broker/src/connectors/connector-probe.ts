import type { ProbeResult, Prober } from '../lifecycle/health/probes.js';
import type { ConnectorHub } from './connector-hub.js';

/**
 * What a probe through a connector sends: an RDP Connection Request (TPKT + X.224 CR + RDP_NEG_REQ
 * asking for TLS or CredSSP), which every RDP server answers with a Connection Confirm. A stream
 * has no "connected" signal of its own (the connector dials on OPEN and says nothing until bytes
 * come), so an answer from the desktop is the proof: the link, the connector's dial and the RDP
 * service all work.
 */
export const RDP_CONNECTION_REQUEST = Buffer.from('030000130ee000000000000100080003000000', 'hex');

/** Probes one town desktop through a live link of its site's connector on this broker process. */
export function probeThroughConnector(hub: ConnectorHub, siteId: string, target: { host: string; port: number }, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const result = (ok: boolean, detail: string): ProbeResult => ({ ok, detail, ms: Math.round(performance.now() - started) });
  const link = hub.linkFor(siteId);
  if (!link) return Promise.resolve(result(false, 'CONNECTOR_OFFLINE'));
  const stream = link.openStream({ ...target, sessionId: null });
  if (!stream) return Promise.resolve(result(false, 'STREAM_LIMIT'));
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean, detail = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.destroy(); // the connector drops its socket to the desktop
      resolve(result(ok, detail));
    };
    const timer = setTimeout(() => done(false, `no answer within ${timeoutMs} ms`), timeoutMs);
    stream.on('data', () => done(true));
    // TARGET_NOT_ALLOWED, DIAL_FAILED (refused, unreachable), or the link lost under it
    stream.on('error', (err: Error & { code?: string }) => done(false, err.code ? `${err.code}: ${err.message}` : err.message));
    stream.on('end', () => done(false, 'closed by the desktop'));
    stream.write(RDP_CONNECTION_REQUEST);
  });
}

/**
 * The health monitor's prober with town desktops probed through their connector (`via`: the site
 * whose connector carries the desktop) instead of from the county, which has no route to them.
 * `hub` is read at each probe: the fleet is assembled after the lifecycle that probes.
 */
export function throughConnectors(base: Prober, hub: () => ConnectorHub, timeoutMs = 5000): Prober {
  return {
    desktop: (host, port, via) => (via ? probeThroughConnector(hub(), via, { host, port }, timeoutMs) : base.desktop(host, port)),
    gateway: (host, port) => base.gateway(host, port),
  };
}
