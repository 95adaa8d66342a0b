import type { Router } from 'express';
import type { Sequelize } from 'sequelize';
import { AlertEngine } from '../alerts/alert-engine.js';
import { AlertSettingsStore } from '../alerts/alert-settings.js';
import { AlertWebhookSender, DEFAULT_WEBHOOK_TIMING } from '../alerts/alert-webhooks.js';
import { mountAlerts } from '../alerts/alerts.routes.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Config } from '../config/config.schema.js';
import type { OpenApiDocs } from '../http/openapi.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';

/** Alerts (docs/ALERTS.md): conditions read on the clock every 15 s, webhook messages with retries; built, not started. */
export function wireAlerts(deps: {
  config: Config;
  sequelize: Sequelize;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  docs: OpenApiDocs;
  consoleApi: Router;
}): { engine: AlertEngine; webhooks: AlertWebhookSender } {
  const { config, sequelize, audit, events, clock, logger, docs, consoleApi } = deps;
  const settings = new AlertSettingsStore({ sequelize, audit, clock });
  const webhooks = new AlertWebhookSender(clock, DEFAULT_WEBHOOK_TIMING, config.hallTimeZone, logger);
  const engine = new AlertEngine({ sequelize, clock, events, audit, settings, webhooks, logger, evaluateMs: 15_000 });
  mountAlerts(consoleApi, { engine, settings, docs });
  return { engine, webhooks };
}
