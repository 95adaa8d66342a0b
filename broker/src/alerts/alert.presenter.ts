import type { z } from 'zod';
import type { alertDeliveryOut, alertOut } from '@yunzhuo/protocol/api/alerts';
import { iso } from '../http/refs.js';
import type { Alert, AlertDelivery } from './alert.model.js';
import { maskedUrl } from './alert-messages.js';

export function presentAlertDelivery(d: AlertDelivery): z.output<typeof alertDeliveryOut> {
  return {
    url: maskedUrl(d.url),
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    lastError: d.lastError ?? null,
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    deliveredAt: iso(d.deliveredAt ?? null),
  };
}

export function presentAlert(a: Alert, deliveries: AlertDelivery[]): z.output<typeof alertOut> {
  return {
    id: a.id,
    kind: a.kind,
    state: a.state,
    subjectType: a.subjectType,
    subjectId: a.subjectId,
    subjectName: a.subjectName,
    siteId: a.siteId,
    facts: JSON.parse(a.facts) as Record<string, unknown>,
    raisedAt: iso(a.raisedAt)!,
    clearedAt: iso(a.clearedAt ?? null),
    acknowledgedAt: iso(a.acknowledgedAt ?? null),
    acknowledgedBy: a.acknowledgedBy ?? null,
    deliveries: deliveries.map(presentAlertDelivery),
  };
}
