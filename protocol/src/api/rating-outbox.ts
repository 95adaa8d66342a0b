import { z } from 'zod';
import { listQueryBase } from './common.js';

export const RATING_OUTBOX_STATES = ['pending', 'delivered', 'dead'] as const;

export const ratingOutboxQuery = z.object({ ...listQueryBase, state: z.enum(RATING_OUTBOX_STATES).optional() }).strict();

export const ratingOutboxParams = z.object({ id: z.coerce.number().int().positive() });

/** One change on its way to the province (docs/RATINGS.md: the outbox). */
export const ratingOutboxOut = z.object({
  id: z.number().int().describe('the outbox sequence number: the order of sending within a window'),
  ratingId: z.string(),
  changeNo: z.number().int(),
  idempotencyKey: z.string(),
  kind: z.string(),
  windowId: z.string().nullable(),
  state: z.enum(RATING_OUTBOX_STATES),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});
