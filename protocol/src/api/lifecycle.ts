import { z } from 'zod';
import { hostSchema, idSchema, listQueryBase, patchOf, portSchema, text } from './common.js';

/* Desktop lifecycle: health, SSH actions at lifecycle points, the morning warm-up, repairs. */

const stamp = { createdAt: z.string(), updatedAt: z.string() };

/**
 * Where a pool's SSH action runs: before a desktop is first used by a session, when a floating
 * desktop is given back (it stays `resetting` until the action succeeds), when an admin puts it
 * into maintenance, and `start` for the morning warm-up (power the VM on).
 */
export const ACTION_POINTS = ['before-assign', 'on-release', 'on-maintenance', 'start'] as const;
export const actionPointSchema = z.enum(ACTION_POINTS);
export type ActionPoint = z.infer<typeof actionPointSchema>;

export const ACTION_OUTCOMES = ['ok', 'failed', 'timeout', 'refused', 'error'] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

/** OpenSSH's `ssh-keygen -l -E sha256` form: `SHA256:` + 43 base64 characters, no padding */
export const fingerprintSchema = z
  .string()
  .trim()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, '应为 ssh-keygen -l 显示的指纹：SHA256: 后跟 43 个 Base64 字符');
const sshUser = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.][A-Za-z0-9_.@-]*$/, '应为登录用户名');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), '不是有效的日期');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:MM（24 小时制）');
const timeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, '应为 IANA 时区名称，例如 Asia/Shanghai');
/** no NUL and no other control characters but tab and newline */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NO_CONTROL_BUT_TAB_NEWLINE = /^[^\u0000-\u0008\u000b-\u001f\u007f]*$/u;
const commandText = z.string().trim().min(1).max(4000).regex(NO_CONTROL_BUT_TAB_NEWLINE, '不能包含控制字符');

/* ---------- SSH hosts (credentials; the key is write-only, sealed at rest) ---------- */
export const sshHostCreate = z
  .object({
    name: text(200),
    siteId: idSchema.nullable().default(null),
    host: hostSchema,
    port: portSchema.default(22),
    username: sshUser,
    /** OpenSSH/PEM private key; stored encrypted, never returned */
    privateKey: z
      .string()
      .min(64)
      .max(16_000)
      .regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, '应为 OpenSSH 或 PEM 格式的私钥'),
    /** pins the host key of host:port now instead of at first use */
    hostKeyFingerprint: fingerprintSchema.nullable().default(null),
  })
  .strict();
export const sshHostUpdate = patchOf(sshHostCreate);
export const sshHostQuery = z
  .object({ ...listQueryBase, sort: z.enum(['name', 'createdAt']).default('name'), siteId: idSchema.optional(), q: z.string().max(100).optional() })
  .strict();
export const sshHostOut = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  host: z.string(),
  port: z.number(),
  username: z.string(),
  hasPrivateKey: z.boolean(),
  hostKeyFingerprint: z.string().nullable(),
  ...stamp,
});

/* ---------- pinned host keys ---------- */
export const knownHostPut = z.object({ host: hostSchema, port: portSchema.default(22), fingerprint: fingerprintSchema }).strict();
export const knownHostQuery = z.object({ ...listQueryBase, sort: z.enum(['host', 'pinnedAt']).default('host'), host: z.string().max(255).optional() }).strict();
export const knownHostOut = z.object({
  id: z.string(),
  host: z.string(),
  port: z.number(),
  fingerprint: z.string(),
  source: z.enum(['first-use', 'admin']),
  pinnedAt: z.string(),
});

/* ---------- pool actions ---------- */
export const poolActionCreate = z
  .object({
    poolId: idSchema,
    point: actionPointSchema,
    sshHostId: idSchema,
    /** `ssh-host`: on the SSH host itself (a hypervisor); `desktop`: on the desktop's host with the SSH host's credentials and port */
    runOn: z.enum(['ssh-host', 'desktop']).default('ssh-host'),
    /** POSIX shell; {{desktop.name}} {{desktop.host}} {{desktop.id}} {{desktop.rdpUsername}} {{pool.name}} {{session.id}} {{oneTimePassword}} are replaced, single-quoted */
    command: commandText,
    timeoutSeconds: z.number().int().min(1).max(3600).default(120),
    enabled: z.boolean().default(true),
  })
  .strict();
export const poolActionUpdate = patchOf(poolActionCreate.omit({ poolId: true, point: true }));
export const poolActionQuery = z
  .object({ ...listQueryBase, sort: z.enum(['point', 'createdAt']).default('point'), poolId: idSchema.optional(), point: actionPointSchema.optional() })
  .strict();
export const poolActionOut = z.object({
  id: z.string(),
  poolId: z.string(),
  siteId: z.string(),
  point: actionPointSchema,
  sshHostId: z.string(),
  runOn: z.string(),
  command: z.string(),
  timeoutSeconds: z.number(),
  enabled: z.boolean(),
  ...stamp,
});
export const runActionBody = z.object({ point: actionPointSchema }).strict();

/* ---------- action runs (read-only record) ---------- */
export const actionRunQuery = z
  .object({
    ...listQueryBase,
    order: z.enum(['asc', 'desc']).default('desc'),
    sort: z.enum(['startedAt']).default('startedAt'),
    desktopId: idSchema.optional(),
    poolId: idSchema.optional(),
    sessionId: idSchema.optional(),
    point: actionPointSchema.optional(),
    outcome: z.enum(ACTION_OUTCOMES).optional(),
  })
  .strict();
export const actionRunOut = z.object({
  id: z.string(),
  actionId: z.string().nullable(),
  poolId: z.string(),
  desktopId: z.string(),
  sessionId: z.string().nullable(),
  siteId: z.string().nullable(),
  point: actionPointSchema,
  host: z.string(),
  port: z.number(),
  command: z.string(),
  outcome: z.enum(ACTION_OUTCOMES),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  error: z.string().nullable(),
  durationMs: z.number(),
  startedAt: z.string(),
  finishedAt: z.string(),
});

/* ---------- per-pool lifecycle settings and the warm-up calendar ---------- */
export const warmupSchema = z
  .object({
    enabled: z.boolean().default(true),
    timeZone: timeZone.default('Asia/Shanghai'),
    /** ISO weekdays, 1 = Monday … 7 = Sunday */
    days: z.array(z.number().int().min(1).max(7)).max(7).default([1, 2, 3, 4, 5]),
    /** desktops must be started and healthy by this local time */
    readyBy: clockTime.default('08:00'),
    /** starting begins this many minutes before `readyBy` */
    leadMinutes: z.number().int().min(5).max(720).default(60),
    desktops: z.number().int().min(0).max(100_000),
    /** boot-storm control: at most this many desktops of the pool in `starting` at once */
    maxConcurrentStarts: z.number().int().min(1).max(1000).default(10),
  })
  .strict()
  .refine((w) => Number(w.readyBy.slice(0, 2)) * 60 + Number(w.readyBy.slice(3)) >= w.leadMinutes, {
    message: '提前分钟数不能早于当天零点',
    path: ['leadMinutes'],
  });
export type WarmupCalendar = z.infer<typeof warmupSchema>;

export const poolLifecyclePut = z
  .object({
    /** the broker can reach the desktops' RDP ports (in a department's private network only guacd may) */
    probeDesktops: z.boolean().default(false),
    /** a desktop in `resetting` longer than this is put into `error` (s) */
    resetTimeoutSeconds: z.number().int().min(30).max(86_400).default(600),
    /** a desktop in `starting` longer than this is put into `error` (s) */
    startTimeoutSeconds: z.number().int().min(30).max(86_400).default(900),
    warmup: warmupSchema.nullable().default(null),
  })
  .strict()
  .refine((p) => !p.warmup?.enabled || p.probeDesktops, { message: '开启预热需要同时开启桌面探测：预热要等待桌面应答', path: ['warmup'] });
export const poolLifecycleOut = z.object({
  poolId: z.string(),
  probeDesktops: z.boolean(),
  resetTimeoutSeconds: z.number(),
  startTimeoutSeconds: z.number(),
  warmup: z
    .object({
      enabled: z.boolean(),
      timeZone: z.string(),
      days: z.array(z.number()),
      readyBy: z.string(),
      leadMinutes: z.number(),
      desktops: z.number(),
      maxConcurrentStarts: z.number(),
    })
    .nullable(),
  updatedAt: z.string().nullable(),
});

/* ---------- holidays and make-up working days (调休), county-wide ---------- */
export const calendarDayPut = z.object({ kind: z.enum(['holiday', 'workday']), label: text(100).nullable().default(null) }).strict();
export const calendarDayParams = z.object({ date: isoDate });
export const calendarDayQuery = z
  .object({ ...listQueryBase, sort: z.enum(['date']).default('date'), from: isoDate.optional(), to: isoDate.optional() })
  .strict();
export const calendarDayOut = z.object({ date: z.string(), kind: z.enum(['holiday', 'workday']), label: z.string().nullable() });

/* ---------- forced repairs ---------- */
export const sessionResetBody = z.object({ reason: text(200).optional() }).strict();
export const desktopResetBody = z.object({ to: z.enum(['free', 'maintenance']).default('free'), reason: text(200).optional() }).strict();
