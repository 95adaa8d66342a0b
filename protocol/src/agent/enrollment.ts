import { z } from 'zod';
import { idSchema, listQueryBase, text } from '../api/common.js';

/** Join tokens look like `yzj_<43 base64url characters>`; only their sha256 is stored. */
export const JOIN_TOKEN_PREFIX = 'yzj_';
export const joinTokenSchema = z.string().trim().min(8).max(200);

/** `POST /api/v1/agent/enroll` — public: the join token is the authorisation. */
export const enrollRequest = z
  .object({
    joinToken: joinTokenSchema,
    hardwareId: text(200),
    name: text(200),
    agentVersion: z.string().max(64).optional(),
  })
  .strict();
export type EnrollRequest = z.infer<typeof enrollRequest>;
export const enrollResponse = z.object({
  terminalId: z.string().uuid(),
  siteId: z.string().uuid(),
  /** `<terminal id>.<secret>`, shown exactly once */
  credential: z.string(),
  /** `pending` until an admin approves the terminal */
  state: z.enum(['active', 'pending']),
});
export type EnrollResponse = z.infer<typeof enrollResponse>;

/* ---------- join tokens (admin API) ---------- */
export const JOIN_TOKEN_STATES = ['active', 'expired', 'revoked', 'used-up'] as const;
export const joinTokenCreate = z
  .object({
    siteId: idSchema,
    label: text(200).nullable().default(null),
    /** hours from now; a week at most, because a token is a key to the site */
    expiresInHours: z
      .number()
      .positive()
      .max(24 * 7)
      .default(24),
    maxUses: z.number().int().min(1).max(100_000).default(1),
    requireApproval: z.boolean().default(false),
  })
  .strict();
export const joinTokenQuery = z
  .object({
    ...listQueryBase,
    sort: z.enum(['createdAt', 'expiresAt']).default('createdAt'),
    siteId: idSchema.optional(),
    state: z.enum(JOIN_TOKEN_STATES).optional(),
  })
  .strict();
export const joinTokenOut = z.object({
  id: z.string(),
  siteId: z.string(),
  label: z.string().nullable(),
  /** the first characters, so an admin can tell tokens apart */
  tokenPrefix: z.string(),
  state: z.enum(JOIN_TOKEN_STATES),
  expiresAt: z.string(),
  maxUses: z.number().int(),
  uses: z.number().int(),
  requireApproval: z.boolean(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
/** returned once at creation: the token itself */
export const joinTokenCreatedOut = joinTokenOut.extend({ token: z.string() });

/** `GET /api/v1/terminals/:id/agent` — the live view the broker holds in memory */
export const agentStatusOut = z.object({
  terminalId: z.string(),
  connected: z.boolean(),
  online: z.boolean(),
  lifecycle: z.string().nullable(),
  connectedAt: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  heartbeatMs: z.number().nullable(),
  protocolVersion: z.string().nullable(),
  info: z.record(z.string(), z.unknown()).nullable(),
});
