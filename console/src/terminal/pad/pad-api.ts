import type { z } from 'zod';
import type { padPairOut, padStateOut } from '@yunzhuo/protocol/api/rating-pads';
import { brokerFetch } from '../api/broker-fetch';
import type { PadRating } from './pad-outbox';

export type PadState = z.output<typeof padStateOut>;
export type PadPairing = z.output<typeof padPairOut>;
export type { PadRating } from './pad-outbox';

/** The pad's answer from the broker, or `NETWORK` (status 0) when it was not reached. */
function call<T>(method: 'GET' | 'POST', path: string, credential: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  // no answer of ours (a proxy's 502 while the broker restarts): the same as not reached
  return brokerFetch<T>(method, path, body, { authorization: credential ? `Pad ${credential}` : null, foreignRefusal: 'not-reached', cache: 'no-store' });
}

/** The rating pad's calls (docs/RATINGS.md, "The rating pad"): `Authorization: Pad <credential>`. */
export const padApi = {
  pair: async (code: string) => (await call<PadPairing>('POST', '/pad/pair', null, { code })).body,
  state: async (credential: string) => (await call<PadState>('GET', '/pad/state', credential)).body,
  submit: async (credential: string, rating: PadRating) => {
    await call('POST', '/pad/ratings', credential, rating);
  },
};
