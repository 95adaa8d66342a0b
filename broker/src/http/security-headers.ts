import type { RequestHandler } from 'express';

/**
 * What the console and the window page (Vite builds served from /assets) need, and nothing more:
 * scripts, styles and fonts from the broker itself; WebSockets to the broker (`'self'` covers
 * ws:/wss: of the same host) and, from the window page, to the thin client's own device bridge on
 * loopback (agent/src/devices/device-bridge.server.ts, a port of the agent's choosing); Guacamole draws with data: and blob: images, and the recording
 * player reads a blob: URL; the pages set element styles only from script (CSSOM), never inline
 * markup, so no 'unsafe-inline'. No page may be framed (clickjacking of the console's buttons).
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' blob: ws://127.0.0.1:*",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON, CSV, recordings and errors are never rendered as a page, nor framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Headers on every response. Written by hand rather than with helmet: helmet's defaults add HSTS
 * and `upgrade-insecure-requests`, which would break the plain-HTTP LAN deployments the broker
 * supports (TLS is the reverse proxy's job), and we would turn most of it off again.
 */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', API_CSP);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    next();
  };
}
