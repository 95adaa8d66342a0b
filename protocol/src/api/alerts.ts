import { z } from 'zod';
import { idSchema, listQueryBase } from './common.js';

/** Alerts (docs/ALERTS.md): what the broker watches, raises with hysteresis and sends to webhooks. */

export const ALERT_KINDS = ['gateway-down', 'pool-exhausted', 'terminals-offline', 'desktop-unhealthy'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATES = ['open', 'cleared'] as const;
export const ALERT_DELIVERY_STATES = ['pending', 'delivered', 'dead'] as const;
/** WeCom (企业微信群机器人) and DingTalk (钉钉自定义机器人) take the same `msgtype` shapes, bar markdown's title */
export const WEBHOOK_STYLES = ['wecom', 'dingtalk'] as const;
export const WEBHOOK_MSGTYPES = ['text', 'markdown'] as const;

export const alertsQuery = z
  .object({ ...listQueryBase, order: z.enum(['asc', 'desc']).default('desc'), state: z.enum(ALERT_STATES).optional(), kind: z.enum(ALERT_KINDS).optional() })
  .strict();
export const alertParams = z.object({ id: idSchema });

export const alertDeliveryOut = z.object({
  url: z.string().describe('the webhook address, its query (the robot key) hidden'),
  event: z.enum(['raised', 'cleared']),
  state: z.enum(ALERT_DELIVERY_STATES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

export const alertOut = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  state: z.enum(ALERT_STATES),
  subjectType: z.string(),
  subjectId: z.string(),
  subjectName: z.string(),
  siteId: z.string().nullable(),
  /** what was seen when it was raised, and the latest value while open (offline count, free desktops…) */
  facts: z.record(z.string(), z.unknown()),
  raisedAt: z.string(),
  clearedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  deliveries: z.array(alertDeliveryOut),
});

const webhookUrl = z
  .string()
  .max(1000)
  .refine((s) => /^https?:\/\//i.test(s) && URL.canParse(s), '必须是 http:// 或 https:// 开头的地址');

export const alertWebhook = z
  .object({ url: webhookUrl, style: z.enum(WEBHOOK_STYLES).default('wecom'), msgtype: z.enum(WEBHOOK_MSGTYPES).default('markdown') })
  .strict();

export const alertSiteThreshold = z.object({ siteId: idSchema, terminalsOffline: z.number().int().min(1).max(10000) }).strict();

export const alertSettingsIn = z
  .object({
    webhooks: z.array(alertWebhook).max(5),
    /** a site raises `terminals-offline` when this many of its terminals in service are offline */
    terminalsOfflineThreshold: z.number().int().min(1).max(10000),
    siteThresholds: z.array(alertSiteThreshold).max(500).default([]),
    /** a condition must hold this long before it is raised, and be gone this long before it clears */
    raiseAfterSeconds: z.number().int().min(0).max(3600),
    clearAfterSeconds: z.number().int().min(0).max(3600),
  })
  .strict();
export type AlertSettings = z.output<typeof alertSettingsIn>;

export const alertSettingsOut = alertSettingsIn.extend({ updatedAt: z.string().nullable() });

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  webhooks: [],
  terminalsOfflineThreshold: 5,
  siteThresholds: [],
  raiseAfterSeconds: 60,
  clearAfterSeconds: 120,
};
