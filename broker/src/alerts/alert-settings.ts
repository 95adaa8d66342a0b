import type { Sequelize } from 'sequelize';
import { alertSettingsIn, DEFAULT_ALERT_SETTINGS, type AlertSettings } from '@yunzhuo/protocol/api/alerts';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteTo } from '../auth/policy.js';
import { writeTransaction } from '../db/write-transaction.js';
import type { Clock } from '../lib/clock.js';
import { AlertSettingsRow } from './alert.model.js';
import { maskedUrl } from './alert-messages.js';

const ROW_ID = 'default';

/** The console's alert settings (one county-wide row); the defaults until an admin saves. */
export class AlertSettingsStore {
  constructor(private readonly deps: { sequelize: Sequelize; audit: AuditService; clock: Clock }) {}

  async get(): Promise<{ settings: AlertSettings; updatedAt: Date | null }> {
    const row = await AlertSettingsRow.findByPk(ROW_ID);
    if (!row) return { settings: DEFAULT_ALERT_SETTINGS, updatedAt: null };
    const parsed = alertSettingsIn.safeParse(JSON.parse(row.settings));
    return { settings: parsed.success ? parsed.data : DEFAULT_ALERT_SETTINGS, updatedAt: row.updatedAt };
  }

  /** County-wide: only a county admin changes it; audited with before/after (webhook keys hidden). */
  async update(actor: Actor, input: AlertSettings): Promise<{ settings: AlertSettings; updatedAt: Date | null }> {
    assertCanWriteTo(actor, null, 'alert-settings');
    return writeTransaction(this.deps.sequelize, async (transaction) => {
      const row = await AlertSettingsRow.findByPk(ROW_ID, { transaction, lock: transaction.LOCK.UPDATE });
      const before = row ? (alertSettingsIn.safeParse(JSON.parse(row.settings)).data ?? DEFAULT_ALERT_SETTINGS) : DEFAULT_ALERT_SETTINGS;
      const now = new Date(this.deps.clock.now());
      const json = JSON.stringify(input);
      if (row) await row.update({ settings: json, updatedAt: now }, { transaction });
      else await AlertSettingsRow.create({ id: ROW_ID, settings: json, createdAt: now, updatedAt: now }, { transaction });
      await this.deps.audit.record(
        actor,
        { action: 'alert-settings.update', targetType: 'alert-settings', targetId: ROW_ID, siteId: null, before: forAudit(before), after: forAudit(input) },
        transaction,
      );
      return { settings: input, updatedAt: now };
    });
  }
}

/** Settings as a reader who may not see the robots' keys gets them (audit, auditors, town admins). */
export function withMaskedWebhooks(settings: AlertSettings): AlertSettings {
  return { ...settings, webhooks: settings.webhooks.map((w) => ({ ...w, url: maskedUrl(w.url) })) };
}

function forAudit(settings: AlertSettings): Record<string, unknown> {
  return { ...withMaskedWebhooks(settings) };
}
