import { z } from 'zod';
import { roleSchema } from '@yunzhuo/protocol/api/common';
import { allowedOriginsSchema, trustedProxiesSchema } from './edge-settings.js';

const totpRolesSchema = z.union([
  z.array(roleSchema),
  z
    .string()
    .trim()
    .transform((v) => (v === 'none' || v === '' ? [] : v.split(',').map((r) => r.trim())))
    .pipe(z.array(roleSchema)),
]);

const boolish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/**
 * Every configuration key, its default and its env variable. README's configuration table is
 * written from this list; keep both in step.
 */
export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    dataDir: z.string().min(1).default('./data'),
    databaseUrl: z
      .string()
      .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://')
      .optional(),
    secretKey: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes in base64 (44 characters)')
      .optional(),
    adminPassword: z.string().min(8, 'must be at least 8 characters').optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    cookieSecure: boolish.default(false),
    trustProxy: trustedProxiesSchema.default(false),
    allowedOrigins: allowedOriginsSchema.default([]),
    /** roles whose console sign-in needs TOTP (comma-separated, or `none`); docs/IDENTITY.md */
    totpRequiredRoles: totpRolesSchema.default(['admin', 'site-admin']),
    adminSessionHours: z.coerce.number().positive().max(720).default(12),
    tunnelTokenTtlSeconds: z.coerce.number().int().min(5).max(60).default(60),
    loginMaxFailuresPerAccount: z.coerce.number().int().min(1).default(5),
    loginMaxFailuresPerAddress: z.coerce.number().int().min(1).default(30),
    loginMaxFailuresPerAccountAnywhere: z.coerce.number().int().min(1).default(50),
    loginThrottleWindowSeconds: z.coerce.number().int().min(1).default(900),
    recordingDir: z.string().optional(),
    /** where guacd keeps each session's window drive 窗口材料 (a path on the guacd host, like the recordings; docs/PAPER.md) */
    windowDriveDir: z.string().optional(),
    reconcileIntervalSeconds: z.coerce.number().int().min(1).default(30),
    liveFeedPingSeconds: z.coerce.number().int().min(1).max(300).default(25),
    /** 差评 follow-up deadlines the county sets, in working days after the rating's day (docs/RATINGS.md) */
    ratingVisitWorkingDays: z.coerce.number().int().min(1).max(60).default(3),
    ratingRectifyWorkingDays: z.coerce.number().int().min(1).max(120).default(15),
    /** the hall's time zone: where a working day begins and ends */
    hallTimeZone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Asia/Shanghai')
      .default('Asia/Shanghai'),
    /** the province's receiver of ratings and work-order changes (docs/RATINGS.md); off when unset */
    ratingOutboxUrl: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), 'must be an http(s) URL')
      .optional(),
    /** shared secret of the HMAC-SHA256 signature; required with the URL */
    ratingOutboxSecret: z.string().min(16, 'must be at least 16 characters').optional(),
    ratingOutboxMaxAttempts: z.coerce.number().int().min(1).max(1000).default(12),
    ratingOutboxBackoffSeconds: z.coerce.number().int().min(1).max(3600).default(30),
    ratingOutboxPollSeconds: z.coerce.number().int().min(1).max(3600).default(5),
    /**
     * the URL this broker tells town connectors to dial (docs/TOWNS.md); `{port}` becomes the
     * port it listens on. Unset: connectors reach this broker only by the URL they were given.
     */
    connectorUrl: z
      .string()
      .regex(/^(https?|wss?):\/\/\S+$/, 'must be an http(s) or ws(s) URL')
      .max(500)
      .optional(),
    /** where the broker listens for guacd's connections to town desktops (one port per desktop) */
    connectorListenHost: z.string().min(1).default('127.0.0.1'),
    /** the hall's queue system (排队叫号), its generic HTTP API (docs/RATINGS.md); off when unset */
    queueUrl: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), 'must be an http(s) URL')
      .optional(),
    /** sent as `authorization: Bearer <token>` to the queue system */
    queueToken: z.string().min(1).optional(),
    /**
     * wake-on-LAN from the broker itself (issue 17), for a broker on the terminals' segment:
     * `<broadcast address>[:port]`, e.g. `192.168.10.255:9`; unset: only terminals relay wake-ups
     */
    wakeBroadcast: z
      .string()
      .regex(/^(\d{1,3}\.){3}\d{1,3}(:\d{1,5})?$/, 'must be <IPv4 broadcast address>[:port], e.g. 192.168.10.255:9')
      .refine((v) => {
        const port = v.split(':')[1];
        return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
      }, 'the port must be 1..65535, e.g. 192.168.10.255:9')
      .optional(),
    /** how often the night power schedules are looked at (seconds) */
    powerScheduleCheckSeconds: z.coerce.number().int().min(5).max(600).default(30),
  })
  .strict()
  .refine((c) => !c.ratingOutboxUrl || c.ratingOutboxSecret, {
    message: 'YUNZHUO_RATING_OUTBOX_SECRET is required with YUNZHUO_RATING_OUTBOX_URL',
    path: ['ratingOutboxSecret'],
  });

export type Config = z.infer<typeof configSchema> & {
  databaseUrl: string;
  recordingDir: string;
  windowDriveDir: string;
};

/** env variable → config key */
export const ENV_KEYS: Record<string, keyof z.infer<typeof configSchema>> = {
  YUNZHUO_HOST: 'host',
  YUNZHUO_PORT: 'port',
  YUNZHUO_DATA_DIR: 'dataDir',
  YUNZHUO_DATABASE_URL: 'databaseUrl',
  YUNZHUO_SECRET_KEY: 'secretKey',
  YUNZHUO_ADMIN_PASSWORD: 'adminPassword',
  YUNZHUO_LOG_LEVEL: 'logLevel',
  YUNZHUO_COOKIE_SECURE: 'cookieSecure',
  YUNZHUO_TRUST_PROXY: 'trustProxy',
  YUNZHUO_ALLOWED_ORIGINS: 'allowedOrigins',
  YUNZHUO_ADMIN_SESSION_HOURS: 'adminSessionHours',
  YUNZHUO_TOTP_REQUIRED_ROLES: 'totpRequiredRoles',
  YUNZHUO_TUNNEL_TOKEN_TTL_SECONDS: 'tunnelTokenTtlSeconds',
  YUNZHUO_LOGIN_MAX_FAILURES_PER_ACCOUNT: 'loginMaxFailuresPerAccount',
  YUNZHUO_LOGIN_MAX_FAILURES_PER_ADDRESS: 'loginMaxFailuresPerAddress',
  YUNZHUO_LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE: 'loginMaxFailuresPerAccountAnywhere',
  YUNZHUO_LOGIN_THROTTLE_WINDOW_SECONDS: 'loginThrottleWindowSeconds',
  YUNZHUO_RECORDING_DIR: 'recordingDir',
  YUNZHUO_WINDOW_DRIVE_DIR: 'windowDriveDir',
  YUNZHUO_RECONCILE_INTERVAL_SECONDS: 'reconcileIntervalSeconds',
  YUNZHUO_LIVE_FEED_PING_SECONDS: 'liveFeedPingSeconds',
  YUNZHUO_RATING_VISIT_WORKING_DAYS: 'ratingVisitWorkingDays',
  YUNZHUO_RATING_RECTIFY_WORKING_DAYS: 'ratingRectifyWorkingDays',
  YUNZHUO_HALL_TIME_ZONE: 'hallTimeZone',
  YUNZHUO_RATING_OUTBOX_URL: 'ratingOutboxUrl',
  YUNZHUO_RATING_OUTBOX_SECRET: 'ratingOutboxSecret',
  YUNZHUO_RATING_OUTBOX_MAX_ATTEMPTS: 'ratingOutboxMaxAttempts',
  YUNZHUO_RATING_OUTBOX_BACKOFF_SECONDS: 'ratingOutboxBackoffSeconds',
  YUNZHUO_RATING_OUTBOX_POLL_SECONDS: 'ratingOutboxPollSeconds',
  YUNZHUO_CONNECTOR_URL: 'connectorUrl',
  YUNZHUO_CONNECTOR_LISTEN_HOST: 'connectorListenHost',
  YUNZHUO_QUEUE_URL: 'queueUrl',
  YUNZHUO_QUEUE_TOKEN: 'queueToken',
  YUNZHUO_WAKE_BROADCAST: 'wakeBroadcast',
  YUNZHUO_POWER_SCHEDULE_CHECK_SECONDS: 'powerScheduleCheckSeconds',
};
