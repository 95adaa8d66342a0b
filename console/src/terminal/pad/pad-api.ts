import type { z } from 'zod';
import type { padPairOut, padStateOut } from '@yunzhuo/protocol/api/rating-pads';
import { WindowApiError } from '../api/window-api';
import type { PadRating } from './pad-outbox';

export type PadState = z.output<typeof padStateOut>;
export type PadPairing = z.output<typeof padPairOut>;
export type { PadRating } from './pad-outbox';

/** The pad's answer from the broker, or `NETWORK` (status 0) when it was not reached. */
async function call<T>(method: 'GET' | 'POST', path: string, credential: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: { ...(credential ? { authorization: `Pad ${credential}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
    });
  } catch {
    throw new WindowApiError(0, 'NETWORK', 'network error');
  }
  const text = await res.text().catch(() => '');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* a proxy's error page */
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    // no answer of ours (a proxy's 502 while the broker restarts): the same as not reached
    throw new WindowApiError(error ? res.status : 0, error?.code ?? 'NETWORK', error?.message ?? res.statusText, error?.details ?? {});
  }
  return { status: res.status, body: parsed as T };
}

/** The rating pad's calls (docs/RATINGS.md, "The rating pad"): `Authorization: Pad <credential>`. */
export const padApi = {
  pair: async (code: string) => (await call<PadPairing>('POST', '/pad/pair', null, { code })).body,
  state: async (credential: string) => (await call<PadState>('GET', '/pad/state', credential)).body,
  submit: async (credential: string, rating: PadRating) => {
    await call('POST', '/pad/ratings', credential, rating);
  },
};
