import { isIP } from 'node:net';
import { z } from 'zod';

/** the names Express's `trust proxy` (proxy-addr) knows for whole ranges */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Which reverse proxies in front of the broker may say who the client is (`X-Forwarded-For`),
 * as Express's `trust proxy` takes it: `false` (none: the socket's peer is the client), a number
 * of hops (`1` = one proxy: the address that proxy appended, the right-most), or a list of proxy
 * addresses / CIDRs (every trusted hop is skipped from the right, the first untrusted one is the
 * client). `true` means one hop: never Express's own `true`, which believes the left-most entry,
 * the one a client writes itself.
 */
export type TrustedProxies = false | number | string[];

function entryProblem(entry: string): string | null {
  if (NAMED_RANGES.has(entry)) return null;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return `${entry}: not an IP address or CIDR`;
  if (prefix === undefined) return null;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && bits <= max ? null : `${entry}: prefix must be 0–${max}`;
}

export const trustedProxiesSchema = z.union([z.boolean(), z.number(), z.string(), z.array(z.string())]).transform((value, ctx): TrustedProxies => {
  if (value === true || value === 'true' || value === 'yes') return 1;
  if (value === false || value === 'false' || value === 'no' || value === '') return false;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) {
    const hops = Number(value);
    if (!Number.isInteger(hops) || hops < 0 || hops > 10) {
      ctx.addIssue({ code: 'custom', message: 'a number of proxy hops must be 0–10' });
      return z.NEVER;
    }
    return hops === 0 ? false : hops;
  }
  const entries = (Array.isArray(value) ? value : String(value).split(',')).map((e) => e.trim()).filter((e) => e !== '');
  const problems = entries.map(entryProblem).filter((p) => p !== null);
  if (problems.length > 0 || entries.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `true, false, a number of hops, or proxy addresses/CIDRs (comma-separated): ${problems.join('; ') || 'empty list'}`,
    });
    return z.NEVER;
  }
  return entries;
});

function originProblem(entry: string): string | null {
  try {
    const url = new URL(entry);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${entry}: must be http:// or https://`;
    return url.origin === entry.replace(/\/$/, '') ? null : `${entry}: an origin is scheme://host[:port], no path`;
  } catch {
    return `${entry}: not an origin (scheme://host[:port])`;
  }
}

/** Web origins besides the broker's own whose pages may open its WebSockets (see http/websocket-origin.ts). */
export const allowedOriginsSchema = z.union([z.string(), z.array(z.string())]).transform((value, ctx): string[] => {
  const entries = (Array.isArray(value) ? value : value.split(',')).map((e) => e.trim()).filter((e) => e !== '');
  const problems = entries.map(originProblem).filter((p) => p !== null);
  if (problems.length > 0) {
    ctx.addIssue({ code: 'custom', message: problems.join('; ') });
    return z.NEVER;
  }
  return entries.map((e) => new URL(e).origin);
});
