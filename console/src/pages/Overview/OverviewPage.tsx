import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { desktops, terminals, windows } from '../../api/resources';
import { sessionQueries } from '../../api/sessions';
import { CapacityBar } from '../../components/Badge';
import { DataTable } from '../../components/DataTable';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorView } from '../../components/ErrorView';
import { Card, PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { formatInt } from '../../i18n/core/format';
import { capacityOf, groupBy } from '../../modules/capacity/capacity';
import { useDepartments, usePools, useSites } from '../../modules/lookups/lookups';
import { buildSiteTree, flattenTree } from '../../modules/site-tree/site-tree';
import { PoolStateBadge } from '../../modules/status/StatusBadges';
import { useLive } from '../../realtime/LiveEventsProvider';

export function OverviewPage() {
  const { t } = useI18n();
  const live = useLive();
  const poll = { refetchInterval: live.pollInterval };
  const sites = useSites();
  const departments = useDepartments();
  const pools = usePools();
  const win = useQuery({ ...windows.queries.all({}), ...poll });
  const term = useQuery({ ...terminals.queries.all({}), ...poll });
  const desk = useQuery({ ...desktops.queries.all({}), ...poll });
  const sess = useQuery({ ...sessionQueries.live(), ...poll });
  const all = [sites, departments, pools, win, term, desk, sess];
  const error = all.find((q) => q.isError)?.error;
  if (error) return <ErrorView error={error} />;
  if (all.some((q) => q.isPending)) return <Loading label={t('common.loading')} />;

  const windowsBySite = groupBy(win.data ?? [], (w) => w.siteId);
  const terminalsBySite = groupBy(term.data ?? [], (x) => x.siteId);
  const sessionsBySite = groupBy(sess.data ?? [], (s) => s.siteId);
  const tree = flattenTree(buildSiteTree(sites.data ?? []));
  const rows = tree.map((node) => {
    const id = node.site.id;
    const liveSessions = sessionsBySite.get(id) ?? [];
    const siteTerminals = terminalsBySite.get(id) ?? [];
    return {
      node,
      windows: windowsBySite.get(id)?.length ?? 0,
      terminals: siteTerminals.length,
      online: siteTerminals.filter((x) => x.online).length,
      active: liveSessions.filter((s) => s.state !== 'disconnected').length,
      disconnected: liveSessions.filter((s) => s.state === 'disconnected').length,
    };
  });

  const desktopsByPool = groupBy(desk.data ?? [], (d) => d.poolId);
  const sessionsByPool = groupBy(sess.data ?? [], (s) => s.poolId);
  const poolRows = (pools.data ?? [])
    .map((p) => ({ pool: p, cap: capacityOf(p, desktopsByPool.get(p.id) ?? [], sessionsByPool.get(p.id) ?? []) }))
    .sort((a, b) =>
      (departments.data?.find((d) => d.id === a.pool.departmentId)?.name ?? '').localeCompare(
        departments.data?.find((d) => d.id === b.pool.departmentId)?.name ?? '',
        'zh-CN',
      ),
    );
  const deptName = (id: string) => (departments.data ? (departments.data.find((d) => d.id === id)?.name ?? id.slice(0, 8)) : '…');

  const totals = rows.reduce(
    (acc, r) => ({
      windows: acc.windows + r.windows,
      terminals: acc.terminals + r.terminals,
      online: acc.online + r.online,
      active: acc.active + r.active,
      disconnected: acc.disconnected + r.disconnected,
    }),
    { windows: 0, terminals: 0, online: 0, active: 0, disconnected: 0 },
  );
  const cap = poolRows.reduce((acc, r) => ({ total: acc.total + r.cap.total, available: acc.available + r.cap.available, inUse: acc.inUse + r.cap.inUse }), {
    total: 0,
    available: 0,
    inUse: 0,
  });

  return (
    <div data-testid="page-overview">
      <PageHeader title={t('overview.title')} subtitle={t('overview.subtitle')} />
      <div className="kpis">
        <Kpi label={t('overview.kpi.windows')} value={formatInt(totals.windows)} />
        <Kpi label={t('overview.kpi.terminalsOnline')} value={`${formatInt(totals.online)} / ${formatInt(totals.terminals)}`} />
        <Kpi label={t('overview.kpi.sessionsActive')} value={formatInt(totals.active)} tone="ok" />
        <Kpi label={t('overview.kpi.sessionsDisconnected')} value={formatInt(totals.disconnected)} tone={totals.disconnected ? 'warn' : undefined} />
        <Kpi
          label={t('overview.kpi.desktopsFree')}
          value={`${formatInt(cap.available)} / ${formatInt(cap.total)}`}
          tone={cap.total && cap.available === 0 ? 'bad' : undefined}
        />
      </div>
      <div className="grid-2">
        <Card title={t('overview.siteTree')} testId="site-tree">
          <DataTable
            rows={rows}
            rowKey={(r) => r.node.site.id}
            empty={
              <EmptyState title={t('overview.noSites')}>
                <Link to="/sites">{t('overview.createSite')}</Link>
              </EmptyState>
            }
            columns={[
              {
                key: 'name',
                header: t('site.name'),
                render: (r) => (
                  <span className="tree-cell" style={{ paddingLeft: r.node.depth * 18 }}>
                    {r.node.depth > 0 && <span className="tree-branch">└</span>}
                    <Link to={`/hall/${r.node.site.id}`}>{r.node.site.name}</Link> <span className="muted small">{r.node.site.code}</span>
                  </span>
                ),
              },
              { key: 'windows', header: t('overview.col.windows'), render: (r) => formatInt(r.windows), align: 'right', width: 70 },
              {
                key: 'online',
                header: t('overview.col.terminalsOnline'),
                render: (r) => `${formatInt(r.online)} / ${formatInt(r.terminals)}`,
                align: 'right',
                width: 100,
              },
              { key: 'active', header: t('overview.col.active'), render: (r) => <b className="text-ok">{formatInt(r.active)}</b>, align: 'right', width: 80 },
              {
                key: 'disc',
                header: t('overview.col.disconnected'),
                render: (r) => <span className={r.disconnected ? 'text-warn' : ''}>{formatInt(r.disconnected)}</span>,
                align: 'right',
                width: 80,
              },
            ]}
          />
        </Card>
        <Card title={t('overview.poolCapacity')} testId="pool-capacity">
          <DataTable
            rows={poolRows}
            rowKey={(r) => r.pool.id}
            empty={
              <EmptyState title={t('overview.noPools')}>
                <Link to="/pools">{t('overview.createPool')}</Link>
              </EmptyState>
            }
            columns={[
              { key: 'dept', header: t('pool.department'), render: (r) => deptName(r.pool.departmentId), width: 120 },
              { key: 'pool', header: t('pool.name'), render: (r) => <Link to={`/pools/${r.pool.id}`}>{r.pool.name}</Link> },
              { key: 'state', header: t('pool.state'), render: (r) => <PoolStateBadge state={r.pool.state} />, width: 80 },
              { key: 'cap', header: t('pool.usage'), render: (r) => <CapacityBar used={r.cap.inUse} total={r.cap.total} down={r.cap.down} />, width: 150 },
              {
                key: 'free',
                header: t('pool.available'),
                render: (r) => <span className={r.cap.available === 0 && r.cap.total > 0 ? 'text-bad' : ''}>{formatInt(r.cap.available)}</span>,
                align: 'right',
                width: 60,
              },
            ]}
          />
        </Card>
      </div>
    </div>
  );
}

function Kpi({ label, value, tone }: { label: string; value: string; tone?: 'ok' | 'warn' | 'bad' | undefined }) {
  return (
    <div className={`kpi ${tone ? `kpi-${tone}` : ''}`}>
      <div className="kpi-value">{value}</div>
      <div className="kpi-label">{label}</div>
    </div>
  );
}
