import { deviceHealthSchema } from '../devices/messages.js';
import { windowPrinterSchema } from '../paper/printer.js';
import { z } from 'zod';
import { codeSchema, hostSchema, idSchema, listQueryBase, patchOf, poolSettingsSchema, portSchema, roleSchema, text } from './common.js';
import { usernameSchema } from './names.js';

const nullableId = idSchema.nullable();
const stamp = { createdAt: z.string(), updatedAt: z.string() };

/* ---------- sites ---------- */
export const siteCreate = z
  .object({
    parentId: nullableId.default(null),
    code: codeSchema,
    name: text(200),
    kind: z.enum(['county', 'town', 'other']).default('town'),
    address: text(500).nullable().default(null),
  })
  .strict();
export const siteUpdate = patchOf(siteCreate.omit({ parentId: true }));
export const siteQuery = z
  .object({ ...listQueryBase, sort: z.enum(['name', 'code', 'createdAt']).default('code'), parentId: idSchema.optional(), q: z.string().max(100).optional() })
  .strict();
/** `parentName`: the parent's name, also for a site-admin who cannot read the parent itself */
export const siteOut = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  parentName: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  address: z.string().nullable(),
  ...stamp,
});

/* ---------- departments ---------- */
export const departmentCreate = z.object({ code: codeSchema, name: text(200), siteId: nullableId.default(null) }).strict();
export const departmentUpdate = patchOf(departmentCreate);
export const departmentQuery = z
  .object({ ...listQueryBase, sort: z.enum(['name', 'code', 'createdAt']).default('code'), siteId: idSchema.optional(), q: z.string().max(100).optional() })
  .strict();
export const departmentOut = z.object({ id: z.string(), code: z.string(), name: z.string(), siteId: z.string().nullable(), ...stamp });

/* ---------- windows ---------- */
export const windowCreate = z
  .object({
    siteId: idSchema,
    code: codeSchema,
    label: text(200).nullable().default(null),
    departmentId: nullableId.default(null),
    area: text(32).nullable().default(null),
    posX: z.number().int().min(0).max(1000).default(0),
    posY: z.number().int().min(0).max(1000).default(0),
    /** the printer on the window's counter (docs/PAPER.md); null: the window has none */
    printer: windowPrinterSchema.nullable().default(null),
  })
  .strict();
export const windowUpdate = patchOf(windowCreate);
export const windowQuery = z
  .object({
    ...listQueryBase,
    sort: z.enum(['code', 'createdAt']).default('code'),
    siteId: idSchema.optional(),
    departmentId: idSchema.optional(),
    q: z.string().max(100).optional(),
  })
  .strict();
export const windowOut = z.object({
  id: z.string(),
  siteId: z.string(),
  code: z.string(),
  label: z.string().nullable(),
  departmentId: z.string().nullable(),
  area: z.string().nullable(),
  posX: z.number(),
  posY: z.number(),
  printer: windowPrinterSchema.nullable(),
  /** place on the hall's floor plan, fractions of the image (null: not placed) */
  planX: z.number().nullable(),
  planY: z.number().nullable(),
  ...stamp,
});

/* ---------- terminals ---------- */
export const terminalCreate = z
  .object({ siteId: idSchema, windowId: nullableId.default(null), name: text(200), hardwareId: text(200).nullable().default(null) })
  .strict();
export const terminalUpdate = z
  .object({ windowId: nullableId, name: text(200), state: z.enum(['active', 'revoked']) })
  .partial()
  .strict();
export const terminalQuery = z
  .object({
    ...listQueryBase,
    sort: z.enum(['name', 'lastSeenAt', 'createdAt']).default('name'),
    siteId: idSchema.optional(),
    windowId: idSchema.optional(),
    online: z.enum(['true', 'false']).optional(),
    state: z.enum(['pending', 'active', 'revoked']).optional(),
    q: z.string().max(100).optional(),
  })
  .strict();
export const terminalOut = z.object({
  id: z.string(),
  siteId: z.string(),
  windowId: z.string().nullable(),
  name: z.string(),
  hardwareId: z.string().nullable(),
  state: z.string(),
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  agentVersion: z.string().nullable(),
  address: z.string().nullable(),
  devices: z.array(deviceHealthSchema).nullable(),
  ...stamp,
});
/** returned once, at creation or rotation: the terminal's credential for the window page/agent */
export const terminalCredentialOut = z.object({ terminal: terminalOut, credential: z.string() });

/* ---------- accounts ---------- */
const password = z.string().min(8).max(200);
export const accountCreate = z
  .object({
    username: usernameSchema,
    displayName: text(200),
    password,
    homeSiteId: nullableId.default(null),
    roles: z.array(roleSchema).min(1).max(4).default(['clerk']),
    departmentIds: z.array(idSchema).max(50).default([]),
    poolIds: z.array(idSchema).max(50).default([]),
    disabled: z.boolean().default(false),
    locked: z.boolean().default(false),
    /** the password is chosen by someone else: its owner must replace it at the next console sign-in */
    mustChangePassword: z.boolean().default(false),
  })
  .strict();
export const accountUpdate = patchOf(accountCreate.omit({ username: true }));
export const accountQuery = z
  .object({
    ...listQueryBase,
    sort: z.enum(['username', 'displayName', 'createdAt']).default('username'),
    homeSiteId: idSchema.optional(),
    departmentId: idSchema.optional(),
    role: roleSchema.optional(),
    q: z.string().max(100).optional(),
  })
  .strict();
export const accountOut = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  homeSiteId: z.string().nullable(),
  roles: z.array(z.string()),
  departmentIds: z.array(z.string()),
  poolIds: z.array(z.string()),
  disabled: z.boolean(),
  locked: z.boolean(),
  mustChangePassword: z.boolean(),
  /** a phone token (TOTP) is enrolled; an admin may reset it */
  totpEnabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  ...stamp,
});

/* ---------- gateways ---------- */
export const gatewayCreate = z.object({ name: text(200), siteId: nullableId.default(null), host: hostSchema, port: portSchema.default(4822) }).strict();
export const gatewayUpdate = patchOf(gatewayCreate);
export const gatewayQuery = z.object({ ...listQueryBase, sort: z.enum(['name', 'createdAt']).default('name'), siteId: idSchema.optional() }).strict();
export const gatewayOut = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  host: z.string(),
  port: z.number(),
  health: z.string(),
  lastCheckedAt: z.string().nullable(),
  ...stamp,
});

/* ---------- pools ---------- */
export const poolCreate = z
  .object({
    name: text(200),
    departmentId: idSchema,
    siteId: idSchema,
    kind: z.enum(['floating', 'dedicated']).default('floating'),
    state: z.enum(['active', 'draining', 'maintenance']).default('active'),
    settings: poolSettingsSchema.default(poolSettingsSchema.parse({})),
    gatewayIds: z.array(idSchema).min(1).max(8),
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(900),
    idleSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(0),
    maxSessions: z.number().int().min(1).max(100000).nullable().default(null),
    allowOtherSites: z.boolean().default(true),
  })
  .strict();
export const poolUpdate = patchOf(poolCreate);
export const poolQuery = z
  .object({
    ...listQueryBase,
    sort: z.enum(['name', 'createdAt']).default('name'),
    siteId: idSchema.optional(),
    departmentId: idSchema.optional(),
    state: z.enum(['active', 'draining', 'maintenance']).optional(),
  })
  .strict();
export const poolOut = z.object({
  id: z.string(),
  name: z.string(),
  departmentId: z.string(),
  siteId: z.string(),
  kind: z.string(),
  state: z.string(),
  settings: poolSettingsSchema,
  gatewayIds: z.array(z.string()),
  graceSeconds: z.number(),
  idleSeconds: z.number(),
  maxSessions: z.number().nullable(),
  allowOtherSites: z.boolean(),
  ...stamp,
});

/* ---------- desktops ---------- */
export const desktopCreate = z
  .object({
    poolId: idSchema,
    siteId: idSchema.optional(),
    name: text(200),
    host: hostSchema,
    port: portSchema.default(3389),
    rdpUsername: text(200),
    rdpPassword: z.string().min(1).max(500),
    ownerAccountId: nullableId.default(null),
  })
  .strict();
export const desktopUpdate = patchOf(desktopCreate.extend({ state: z.enum(['free', 'maintenance']), drain: z.boolean() }));
export const desktopQuery = z
  .object({
    ...listQueryBase,
    sort: z.enum(['name', 'state', 'createdAt']).default('name'),
    poolId: idSchema.optional(),
    siteId: idSchema.optional(),
    state: z.enum(['free', 'assigned', 'maintenance', 'error', 'resetting', 'starting']).optional(),
    health: z.enum(['unknown', 'up', 'down']).optional(),
  })
  .strict();
export const desktopOut = z.object({
  id: z.string(),
  poolId: z.string(),
  siteId: z.string(),
  name: z.string(),
  host: z.string(),
  port: z.number(),
  rdpUsername: z.string(),
  state: z.string(),
  health: z.string(),
  drain: z.boolean(),
  ownerAccountId: z.string().nullable(),
  sessionId: z.string().nullable(),
  stateReason: z.string().nullable(),
  lastReleasedAt: z.string().nullable(),
  ...stamp,
});

/* ---------- sessions (read-only list) ---------- */
export const sessionQuery = z
  .object({
    ...listQueryBase,
    order: z.enum(['asc', 'desc']).default('desc'),
    sort: z.enum(['requestedAt', 'endedAt']).default('requestedAt'),
    state: z.enum(['requested', 'connecting', 'active', 'disconnected', 'ended', 'live']).optional(),
    siteId: idSchema.optional(),
    windowId: idSchema.optional(),
    accountId: idSchema.optional(),
    departmentId: idSchema.optional(),
    poolId: idSchema.optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict();
export const sessionOut = z.object({
  id: z.string(),
  accountId: z.string(),
  poolId: z.string(),
  desktopId: z.string().nullable(),
  terminalId: z.string().nullable(),
  windowId: z.string().nullable(),
  siteId: z.string().nullable(),
  departmentId: z.string().nullable(),
  gatewayId: z.string().nullable(),
  state: z.string(),
  endReason: z.string().nullable(),
  requestedAt: z.string(),
  connectingAt: z.string().nullable(),
  activeAt: z.string().nullable(),
  disconnectedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
  /** a recording guacd wrote (回放 is offered only then) */
  hasRecording: z.boolean(),
  /** why a session that was to be recorded has none (issue 17): the directory guacd was given and what went wrong */
  recordingProblem: z
    .object({ code: z.enum(['directory-unavailable', 'not-written']), directory: z.string(), detail: z.string().nullable() })
    .nullable()
    .optional(),
});

/**
 * A session's recording comes in parts, one per guacd connection the session had (a reconnect
 * that cannot join the desktop's parked guacd user opens a new one): guacd names them `<id>`,
 * `<id>.1`, `<id>.2`, … and records nothing more after `.255`.
 */
export const RECORDING_MAX_PART = 255;
export const recordingPartQuery = z.object({ part: z.coerce.number().int().min(0).max(RECORDING_MAX_PART).default(0) }).strict();
/** `size` in bytes; `modifiedAt`: when guacd last wrote to the part */
export const recordingPartOut = z.object({ index: z.number().int(), size: z.number().int(), modifiedAt: z.string() });
export const recordingPartsOut = z.object({ items: z.array(recordingPartOut) });

/* ---------- audit ---------- */
export const auditQuery = z
  .object({
    ...listQueryBase,
    order: z.enum(['asc', 'desc']).default('desc'),
    sort: z.enum(['at']).default('at'),
    action: z.string().max(64).optional(),
    actorId: idSchema.optional(),
    targetType: z.string().max(32).optional(),
    targetId: z.string().max(64).optional(),
    siteId: idSchema.optional(),
    /** words: the action's Chinese name or code, the actor, the target's name, the address */
    q: z.string().trim().min(1).max(100).optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict();
export const auditOut = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  siteId: z.string().nullable(),
  address: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  /** for people (issue 17): the action's Chinese name, who did it and to what, by name */
  actionName: z.string(),
  actorLabel: z.string().nullable(),
  targetLabel: z.string().nullable(),
});

/* ---------- auth ---------- */
/** `totpCode`: the 6-digit code (or a recovery code) of an account with TOTP on */
export const loginBody = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200), totpCode: z.string().trim().min(6).max(32).optional() })
  .strict();
export const totpStatusOut = z.object({ enabled: z.boolean(), required: z.boolean() });
/**
 * `restriction`: what this session must do before anything else (TOTP_ENROLLMENT_REQUIRED: enroll
 * and confirm; TOTP_REQUIRED, after a single sign-on: `/auth/totp/verify`); sign out is always open
 */
export const sessionRestriction = z.enum(['TOTP_ENROLLMENT_REQUIRED', 'TOTP_REQUIRED']);
export type SessionRestriction = z.infer<typeof sessionRestriction>;
export const meOut = z.object({
  account: accountOut,
  csrfToken: z.string(),
  totp: totpStatusOut.optional(),
  restriction: sessionRestriction.nullable().optional(),
});
export const totpEnrollOut = z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() });
export const totpConfirmBody = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, '应为 6 位数字'),
  })
  .strict();
export const totpConfirmOut = z.object({ recoveryCodes: z.array(z.string()) });
/** the signed-in console user's own password (修改密码) */
export const passwordChangeBody = z
  .object({ currentPassword: z.string().min(1).max(200), newPassword: password })
  .strict()
  .refine((b) => b.newPassword !== b.currentPassword, { message: '新密码不能与当前密码相同', path: ['newPassword'] });
/** accounts held after too many failed sign-ins (login-throttle), with the seconds left */
export const accountLockoutOut = z.object({ accountId: z.string(), username: z.string(), retryAfterSeconds: z.number() });
export const accountLockoutList = z.object({ items: z.array(accountLockoutOut) });
