import { z } from 'zod';
import { ratingInvitationOut, ratingSubmitBody } from './ratings.js';

/** The rating pad (评价器) at the counter (docs/RATINGS.md, "The rating pad"). */

/** A pairing code: 8 digits, shown on the window page for PAD_PAIRING_SECONDS. */
export const padPairingCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{8}$/, '配对码为 8 位数字');
export const PAD_PAIRING_SECONDS = 300;

/** `padUrl`: the pad page with the code (`<broker>/pad#code=…`), `qrDataUrl` the same as a QR code (PNG data URL) a tablet scans */
export const padPairingOut = z.object({ code: z.string(), expiresAt: z.string(), padUrl: z.string(), qrDataUrl: z.string() });
export const padPairBody = z.object({ code: padPairingCodeSchema }).strict();
/** the pad keeps `credential` (`<pad id>.<secret>`) and sends it as `Authorization: Pad <credential>` */
export const padPairOut = z.object({ padId: z.string(), credential: z.string(), windowCode: z.string().nullable() });

export const ratingPadOut = z.object({
  id: z.string(),
  terminalId: z.string(),
  windowId: z.string().nullable(),
  pairedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
});

/** What the pad shows: the window, the clerk, the number served, and the rating card when one waits. */
export const padStateOut = z.object({
  window: z.object({ code: z.string(), label: z.string().nullable() }).nullable(),
  clerk: z.object({ displayName: z.string() }).nullable(),
  queueNumber: z.string().nullable(),
  invitation: ratingInvitationOut.extend({ queueNumber: z.string().nullable() }).nullable(),
});

/**
 * A rating from the pad: the window page's submit plus the pad's idempotency key (the same on
 * every attempt) and when the citizen pressed 提交 (the pad may send it later, queued offline).
 */
export const padRatingBody = ratingSubmitBody.extend({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9-]{16,64}$/, 'letters, digits and - (16–64)'),
  ratedAt: z.string().datetime({ offset: true }),
});

/** The window page asks whether the pad's citizen has answered (its notice says so). */
export const ratingInvitationStateOut = z.object({ id: z.string(), rated: z.boolean(), level: z.number().int().nullable() });
