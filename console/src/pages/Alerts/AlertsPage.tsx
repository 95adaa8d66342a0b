import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { alertQueries, alertsApi, type Alert } from '../../api/alerts';
import { Badge } from '../../components/Badge';
import { actionsColumn, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { Card, PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { Tabs } from '../../components/Tabs';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { formatDateTime } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';
import { AlertSettingsForm } from './AlertSettingsForm';

type Tab = 'open' | 'cleared' | 'settings';

const KIND_KEYS: Record<Alert['kind'], MessageKey> = {
  'gateway-down': 'alert.kind.gateway-down',
  'pool-exhausted': 'alert.kind.pool-exhausted',
  'terminals-offline': 'alert.kind.terminals-offline',
  'desktop-unhealthy': 'alert.kind.desktop-unhealthy',
};

/** 告警: current alerts (acknowledge), the history, the webhooks and thresholds; live through the event feed. */
export function AlertsPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('open');
  const open = useQuery(alertQueries.list('open'));
  return (
    <div data-testid="page-alerts">
      <PageHeader title={t('nav.alerts')} subtitle={t('alert.subtitle')} />
      <Tabs<Tab>
        tabs={[
          { key: 'open', label: t('alert.tab.open'), ...(open.data ? { count: open.data.total } : {}) },
          { key: 'cleared', label: t('alert.tab.history') },
          { key: 'settings', label: t('alert.tab.settings') },
        ]}
        active={tab}
        onChange={setTab}
      />
      {tab === 'settings' ? <AlertSettingsForm /> : <AlertList state={tab} />}
    </div>
  );
}

function AlertList({ state }: { state: 'open' | 'cleared' }) {
  const { t } = useI18n();
  const { canWrite } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const lookups = useLookups({ accounts: false, windows: false });
  const list = useQuery(alertQueries.list(state));

  const acknowledge = async (a: Alert) => {
    try {
      await alertsApi.acknowledge(a.id);
      feedback.ok(t('alert.acknowledged'));
    } catch (err) {
      feedback.error(err);
    }
    await queryClient.invalidateQueries({ queryKey: ['alerts'] });
  };

  return (
    <Card>
      <QueryView query={list}>
        {(data) => (
          <DataTable
            rows={data.items}
            rowKey={(a) => a.id}
            empty={<EmptyState title={t(state === 'open' ? 'alert.emptyOpen' : 'alert.emptyHistory')}>{t('alert.emptyBody')}</EmptyState>}
            columns={[
              {
                key: 'kind',
                header: t('alert.kind'),
                render: (a) => <Badge tone={a.state === 'open' ? 'bad' : 'muted'}>{t(KIND_KEYS[a.kind])}</Badge>,
                width: 130,
              },
              { key: 'subject', header: t('alert.subject'), render: (a) => <span data-testid="alert-subject">{a.subjectName}</span> },
              { key: 'detail', header: t('alert.detail'), render: (a) => describe(t, a) },
              { key: 'site', header: t('alert.site'), render: (a) => (a.siteId ? lookups.siteName(a.siteId) : t('alert.county')), width: 130 },
              { key: 'raised', header: t('alert.raisedAt'), render: (a) => formatDateTime(a.raisedAt), width: 150 },
              ...(state === 'cleared' ? [{ key: 'cleared', header: t('alert.clearedAt'), render: (a: Alert) => formatDateTime(a.clearedAt), width: 150 }] : []),
              { key: 'delivery', header: t('alert.delivery'), render: (a) => <Deliveries alert={a} />, width: 150 },
              {
                key: 'ack',
                header: t('alert.acknowledgedBy'),
                render: (a) => (a.acknowledgedAt ? `${a.acknowledgedBy ?? ''} ${formatDateTime(a.acknowledgedAt)}` : '—'),
                width: 170,
              },
              ...actionsColumn(
                canWrite,
                (a: Alert) =>
                  !a.acknowledgedAt && (
                    <button className="btn btn-small" data-testid="alert-acknowledge" onClick={() => void acknowledge(a)}>
                      {t('alert.acknowledge')}
                    </button>
                  ),
                80,
              ),
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}

function describe(t: ReturnType<typeof useI18n>['t'], a: Alert): string {
  const f = a.facts as Record<string, string | number | null>;
  switch (a.kind) {
    case 'gateway-down':
      return t('alert.detail.gateway-down', { host: String(f.host), port: String(f.port) });
    case 'pool-exhausted':
      return t('alert.detail.pool-exhausted', { free: String(f.free), total: String(f.total) });
    case 'terminals-offline':
      return t('alert.detail.terminals-offline', { offline: String(f.offline), inService: String(f.inService), threshold: String(f.threshold) });
    case 'desktop-unhealthy':
      return t('alert.detail.desktop-unhealthy', { state: String(f.state), health: String(f.health) });
  }
}

function Deliveries({ alert }: { alert: Alert }) {
  const { t } = useI18n();
  if (alert.deliveries.length === 0) return <span className="muted">{t('alert.noWebhook')}</span>;
  return (
    <span data-testid="alert-deliveries">
      {alert.deliveries.map((d, i) => (
        <Badge key={i} tone={d.state === 'delivered' ? 'ok' : d.state === 'dead' ? 'bad' : 'warn'} title={`${d.url}${d.lastError ? ` — ${d.lastError}` : ''}`}>
          {t(d.event === 'raised' ? 'alert.event.raised' : 'alert.event.cleared')}
          {' · '}
          {t(`alert.delivery.${d.state}`, { attempts: String(d.attempts) })}
        </Badge>
      ))}
    </span>
  );
}
