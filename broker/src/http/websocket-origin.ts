import type { IncomingMessage } from 'node:http';

/**
 * Whether a WebSocket upgrade may go on, judged by its `Origin`. A browser always sends one, and
 * sends the broker's cookies whatever page opened the socket, so a page of another origin (another
 * port or a sibling host is enough) could read the live feed with an admin's cookie. Allowed: the
 * broker's own origin (the `Host` the browser used), and the configured `allowedOrigins` (e.g. the
 * public name behind a proxy that rewrites `Host`). No `Origin` at all is not a browser (the agent,
 * scripts): those carry no ambient cookie and prove themselves with their own credentials.
 */
export function upgradeOriginAllowed(req: IncomingMessage, allowedOrigins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes `null` (sandboxed frames, file: pages)
  }
  if (allowedOrigins.has(url.origin)) return true;
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
}
