import type { Router } from 'express';
import { z } from 'zod';
import { pageOf } from '@yunzhuo/protocol/api/common';
import { alertOut, alertParams, alertSettingsIn, alertSettingsOut, alertsQuery, type AlertSettings } from '@yunzhuo/protocol/api/alerts';
import type { Actor } from '../auth/actor.js';
import { isConsoleUser } from '../auth/policy.js';
import { scopeWhere } from '../auth/row-access.js';
import { actorOf } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { iso } from '../http/refs.js';
import { parseInput } from '../http/validate.js';
import { AppError } from '../lib/app-error.js';
import { Alert, AlertDelivery } from './alert.model.js';
import { presentAlert } from './alert.presenter.js';
import type { AlertEngine } from './alert-engine.js';
import { type AlertSettingsStore, withMaskedWebhooks } from './alert-settings.js';

function assertConsoleUser(actor: Actor): void {
  if (!isConsoleUser(actor)) throw new AppError('FORBIDDEN', { resource: 'alerts' });
}

async function presentPage(rows: Alert[]) {
  const deliveries = rows.length ? await AlertDelivery.findAll({ where: { alertId: rows.map((r) => r.id) }, order: [['createdAt', 'ASC']] }) : [];
  return rows.map((a) =>
    presentAlert(
      a,
      deliveries.filter((d) => d.alertId === a.id),
    ),
  );
}

/** 告警 (docs/ALERTS.md): the list (open and history), acknowledge, and the county's settings. */
export function mountAlerts(consoleApi: Router, deps: { engine: AlertEngine; settings: AlertSettingsStore; docs: OpenApiDocs }): void {
  const { docs } = deps;
  docs.route('get', '/api/v1/alerts', {
    summary: 'Alerts, open and cleared (the history), newest first',
    tag: 'alerts',
    query: alertsQuery,
    response: pageOf(alertOut),
  });
  docs.route('post', '/api/v1/alerts/{id}/acknowledge', {
    summary: 'Acknowledge an alert (audited; once)',
    tag: 'alerts',
    params: alertParams,
    response: alertOut,
  });
  docs.route('get', '/api/v1/alert-settings', {
    summary: 'Webhooks, thresholds and hysteresis of the alerts (webhook keys shown to county admins only)',
    tag: 'alerts',
    response: alertSettingsOut,
  });
  docs.route('put', '/api/v1/alert-settings', {
    summary: 'Change the alert settings (county admin; audited)',
    tag: 'alerts',
    body: alertSettingsIn,
    response: alertSettingsOut,
  });

  consoleApi.get('/alerts', async (req, res) => {
    const actor = actorOf(req);
    assertConsoleUser(actor);
    const q = parseInput(alertsQuery, req.query, 'query');
    const where = { ...scopeWhere(actor, 'siteId'), ...(q.state ? { state: q.state } : {}), ...(q.kind ? { kind: q.kind } : {}) };
    const { rows, count } = await Alert.findAndCountAll({
      where,
      order: [
        ['raisedAt', q.order.toUpperCase()],
        ['id', 'ASC'],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: await presentPage(rows), total: count, page: q.page, pageSize: q.pageSize });
  });

  consoleApi.post('/alerts/:id/acknowledge', async (req, res) => {
    const actor = actorOf(req);
    assertConsoleUser(actor);
    const { id } = parseInput(alertParams, req.params, 'params');
    const alert = await deps.engine.acknowledge(actor, id);
    res.json((await presentPage([alert]))[0]);
  });

  const presentSettings = (actor: Actor, s: { settings: AlertSettings; updatedAt: Date | null }): z.output<typeof alertSettingsOut> => ({
    ...(actor.roles.includes('admin') ? s.settings : withMaskedWebhooks(s.settings)),
    updatedAt: iso(s.updatedAt),
  });

  consoleApi.get('/alert-settings', async (req, res) => {
    const actor = actorOf(req);
    assertConsoleUser(actor);
    res.json(presentSettings(actor, await deps.settings.get()));
  });

  consoleApi.put('/alert-settings', async (req, res) => {
    const actor = actorOf(req);
    const input = parseInput(alertSettingsIn, req.body);
    res.json(presentSettings(actor, await deps.settings.update(actor, input)));
  });
}
