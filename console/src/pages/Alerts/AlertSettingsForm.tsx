import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { WEBHOOK_MSGTYPES, WEBHOOK_STYLES, type AlertSettings } from '@yunzhuo/protocol/api/alerts';
import { alertQueries, alertsApi, type AlertSettingsView } from '../../api/alerts';
import { isApiError, type ValidationIssue } from '../../api/api-error';
import { useFeedback } from '../../components/Feedback';
import { Card } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/i18n';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useSites } from '../../modules/lookups/lookups';

/** Webhooks (WeCom / DingTalk robots), the offline threshold per site, and the hysteresis delays. */
export function AlertSettingsForm() {
  const query = useQuery(alertQueries.settings());
  return <QueryView query={query}>{(data) => <SettingsEditor key={data.updatedAt ?? 'default'} initial={data} />}</QueryView>;
}

function SettingsEditor({ initial }: { initial: AlertSettingsView }) {
  const { t } = useI18n();
  const { isCountyAdmin } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const sites = useSites().data ?? [];
  const { updatedAt: _updatedAt, ...start } = initial;
  const [form, setForm] = useState<AlertSettings>(start);
  const set = (patch: Partial<AlertSettings>) => setForm((f) => ({ ...f, ...patch }));
  const disabled = !isCountyAdmin;
  const [issues, setIssues] = useState<ValidationIssue[]>([]);

  const save = async () => {
    setIssues([]);
    try {
      await alertsApi.saveSettings(form);
      feedback.ok(t('alert.settings.saved'));
      await queryClient.invalidateQueries({ queryKey: ['alerts', 'settings'] });
    } catch (err) {
      if (isApiError(err, 'VALIDATION_FAILED')) setIssues(err.issues);
      feedback.error(err);
    }
  };

  const num = (value: number, onChange: (n: number) => void, testId: string) => (
    <input type="number" min={0} value={value} disabled={disabled} data-testid={testId} onChange={(e) => onChange(Number(e.target.value))} />
  );

  return (
    <Card>
      <h4 className="form-section">{t('alert.settings.webhooks')}</h4>
      <div className="field-help">{t('alert.settings.webhooksHelp')}</div>
      {form.webhooks.map((w, i) => (
        <div key={i} className="toolbar" data-testid="alert-webhook-row">
          <input
            style={{ flex: 1 }}
            value={w.url}
            disabled={disabled}
            placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
            data-testid="alert-webhook-url"
            onChange={(e) => set({ webhooks: form.webhooks.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)) })}
          />
          <select
            value={w.style}
            disabled={disabled}
            onChange={(e) => set({ webhooks: form.webhooks.map((x, j) => (j === i ? { ...x, style: e.target.value as (typeof WEBHOOK_STYLES)[number] } : x)) })}
          >
            {WEBHOOK_STYLES.map((s) => (
              <option key={s} value={s}>
                {t(`alert.settings.style.${s}`)}
              </option>
            ))}
          </select>
          <select
            value={w.msgtype}
            disabled={disabled}
            onChange={(e) =>
              set({ webhooks: form.webhooks.map((x, j) => (j === i ? { ...x, msgtype: e.target.value as (typeof WEBHOOK_MSGTYPES)[number] } : x)) })
            }
          >
            {WEBHOOK_MSGTYPES.map((m) => (
              <option key={m} value={m}>
                {t(`alert.settings.msgtype.${m}`)}
              </option>
            ))}
          </select>
          {!disabled && (
            <button className="btn btn-small btn-danger-outline" onClick={() => set({ webhooks: form.webhooks.filter((_, j) => j !== i) })}>
              {t('alert.settings.remove')}
            </button>
          )}
        </div>
      ))}
      {!disabled && form.webhooks.length < 5 && (
        <button
          className="btn btn-small"
          data-testid="alert-webhook-add"
          onClick={() => set({ webhooks: [...form.webhooks, { url: '', style: 'wecom', msgtype: 'markdown' }] })}
        >
          {t('alert.settings.addWebhook')}
        </button>
      )}

      <h4 className="form-section">{t('alert.settings.thresholds')}</h4>
      <label className="field">
        <span className="field-label">{t('alert.settings.terminalsOffline')}</span>
        {num(form.terminalsOfflineThreshold, (n) => set({ terminalsOfflineThreshold: n }), 'alert-threshold')}
        <div className="field-help">{t('alert.settings.terminalsOfflineHelp')}</div>
      </label>
      {form.siteThresholds.map((s, i) => (
        <div key={i} className="toolbar">
          <select
            value={s.siteId}
            disabled={disabled}
            onChange={(e) => set({ siteThresholds: form.siteThresholds.map((x, j) => (j === i ? { ...x, siteId: e.target.value } : x)) })}
          >
            {sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </select>
          {num(
            s.terminalsOffline,
            (n) => set({ siteThresholds: form.siteThresholds.map((x, j) => (j === i ? { ...x, terminalsOffline: n } : x)) }),
            'alert-site-threshold',
          )}
          {!disabled && (
            <button className="btn btn-small btn-danger-outline" onClick={() => set({ siteThresholds: form.siteThresholds.filter((_, j) => j !== i) })}>
              {t('alert.settings.remove')}
            </button>
          )}
        </div>
      ))}
      {!disabled && sites.length > 0 && (
        <button
          className="btn btn-small"
          onClick={() => set({ siteThresholds: [...form.siteThresholds, { siteId: sites[0]!.id, terminalsOffline: form.terminalsOfflineThreshold }] })}
        >
          {t('alert.settings.addSite')}
        </button>
      )}
      <label className="field">
        <span className="field-label">{t('alert.settings.raiseAfter')}</span>
        {num(form.raiseAfterSeconds, (n) => set({ raiseAfterSeconds: n }), 'alert-raise-after')}
      </label>
      <label className="field">
        <span className="field-label">{t('alert.settings.clearAfter')}</span>
        {num(form.clearAfterSeconds, (n) => set({ clearAfterSeconds: n }), 'alert-clear-after')}
        <div className="field-help">{t('alert.settings.hysteresisHelp')}</div>
      </label>
      {issues.length > 0 && (
        <ul className="field-error" data-testid="alert-settings-issues">
          {issues.map((issue, i) => (
            <li key={i}>{issue.message}</li>
          ))}
        </ul>
      )}
      {!disabled && (
        <div className="form-actions">
          <button className="btn btn-primary" data-testid="alert-settings-save" onClick={() => void save()}>
            {t('alert.settings.save')}
          </button>
        </div>
      )}
    </Card>
  );
}
