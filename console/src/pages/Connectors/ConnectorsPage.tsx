import { useQuery, useQueryClient } from '@tanstack/react-query';
import { connectorQueries, connectorsApi, type Connector } from '../../api/connectors';
import { Badge } from '../../components/Badge';
import { actionsColumn, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { Card, PageHeader } from '../../components/PageHeader';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/i18n';
import { formatInt, formatRelative } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';

/** a connector heard within this long counts as online (it reports every 5 s) */
const ONLINE_MS = 30_000;

function rate(bps: number | null): string {
  if (bps === null) return '—';
  return bps >= 125_000 ? `${(bps / 125_000).toFixed(1)} Mbit/s` : `${Math.round(bps / 125)} kbit/s`;
}

/** Town connectors: which site each serves, its health (last heard, RTT, throughput), the desktops it carries. */
export function ConnectorsPage() {
  const { t, lang } = useI18n();
  const { canWrite } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const lookups = useLookups({ accounts: false, windows: false });
  const list = useQuery(connectorQueries.list());

  const revoke = async (c: Connector) => {
    if (!(await feedback.confirm({ title: t('connector.confirmRevoke'), body: c.name, danger: true }))) return;
    try {
      await connectorsApi.revoke(c.id);
      feedback.ok(t('connector.revoked'));
    } catch (err) {
      feedback.error(err);
    }
    await queryClient.invalidateQueries({ queryKey: ['connectors'] });
  };

  const health = (c: Connector) => {
    if (c.state === 'revoked') return <Badge tone="bad">{t('connector.state.revoked')}</Badge>;
    const heard = c.lastSeenAt !== null && Date.now() - new Date(c.lastSeenAt).getTime() < ONLINE_MS;
    return heard ? <Badge tone="ok">{t('connector.online')}</Badge> : <Badge tone="muted">{t('connector.offline')}</Badge>;
  };

  return (
    <div data-testid="page-connectors">
      <PageHeader title={t('nav.connectors')} subtitle={t('connector.subtitle')} />
      <Card>
        <QueryView query={list}>
          {(data) => (
            <DataTable
              rows={data.items}
              rowKey={(c) => c.id}
              empty={<EmptyState title={t('connector.empty')}>{t('connector.emptyBody')}</EmptyState>}
              columns={[
                { key: 'name', header: t('connector.name'), render: (c) => c.name },
                { key: 'site', header: t('connector.site'), render: (c) => lookups.siteName(c.siteId) },
                { key: 'health', header: t('connector.health'), render: health, width: 90 },
                { key: 'seen', header: t('connector.lastSeen'), render: (c) => formatRelative(c.lastSeenAt, lang), width: 120 },
                { key: 'rtt', header: t('connector.rtt'), render: (c) => (c.rttMs === null ? '—' : `${formatInt(c.rttMs)} ms`), align: 'right', width: 90 },
                { key: 'up', header: t('connector.throughputUp'), render: (c) => rate(c.throughputUpBps), align: 'right', width: 120 },
                { key: 'down', header: t('connector.throughputDown'), render: (c) => rate(c.throughputDownBps), align: 'right', width: 120 },
                { key: 'streams', header: t('connector.streams'), render: (c) => formatInt(c.streams), align: 'right', width: 80 },
                { key: 'desktops', header: t('connector.desktops'), render: (c) => formatInt(c.desktops), align: 'right', width: 80 },
                { key: 'address', header: t('connector.address'), render: (c) => <code>{c.address ?? '—'}</code>, width: 140 },
                ...actionsColumn(
                  canWrite,
                  (c: Connector) =>
                    c.state === 'active' && (
                      <button className="btn btn-small btn-danger-outline" onClick={() => void revoke(c)}>
                        {t('connector.revoke')}
                      </button>
                    ),
                  80,
                ),
              ]}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}
