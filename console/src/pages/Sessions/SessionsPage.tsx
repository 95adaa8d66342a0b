import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { sessionQueries } from '../../api/sessions';
import type { DeskSession, SessionQuery } from '../../api/types';
import { actionsColumn, DataTable, type Column, type SortState } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader, Toolbar } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { Tabs } from '../../components/Tabs';
import { hasMessage, useI18n } from '../../i18n/i18n';
import { formatDateTime, formatDuration, formatRelative, localInputToIso } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useSessionActions } from '../../modules/hall-map/session-actions';
import { useLookups, type Lookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { SessionStateBadge } from '../../modules/status/StatusBadges';
import { useLive } from '../../realtime/LiveEventsProvider';
import { QueryView } from '../../components/QueryView';

type Tab = 'live' | 'history';

export function SessionsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'history' ? 'history' : 'live';
  const lookups = useLookups();
  const live = useLive();
  const liveList = useQuery({ ...sessionQueries.live(), refetchInterval: live.pollInterval });
  return (
    <div data-testid="page-sessions">
      <PageHeader title={t('nav.sessions')} subtitle={t('session.subtitle')} />
      <Tabs<Tab>
        tabs={[
          { key: 'live', label: t('session.tabLive'), ...(liveList.data ? { count: liveList.data.length } : {}) },
          { key: 'history', label: t('session.tabHistory') },
        ]}
        active={tab}
        onChange={(k) => setParams(k === 'history' ? { tab: 'history' } : {})}
      />
      {tab === 'live' ? (
        <QueryView query={liveList}>{(rows) => <LiveSessions rows={rows} lookups={lookups} />}</QueryView>
      ) : (
        <SessionHistory lookups={lookups} />
      )}
    </div>
  );
}

function useSessionColumns(lookups: Lookups): Column<DeskSession>[] {
  const { t } = useI18n();
  return [
    { key: 'clerk', header: t('session.clerk'), render: (s) => lookups.accountName(s.accountId) },
    { key: 'window', header: t('session.window'), render: (s) => (s.windowId ? lookups.windowCode(s.windowId) : '—'), width: 80 },
    { key: 'site', header: t('session.site'), render: (s) => (s.siteId ? lookups.siteName(s.siteId) : '—') },
    { key: 'dept', header: t('session.department'), render: (s) => lookups.departmentName(s.departmentId) },
    { key: 'pool', header: t('session.pool'), render: (s) => lookups.poolName(s.poolId) },
    { key: 'state', header: t('session.state'), render: (s) => <SessionStateBadge state={s.state} />, width: 80 },
  ];
}

function LiveSessions({ rows, lookups }: { rows: DeskSession[]; lookups: Lookups }) {
  const { t, lang } = useI18n();
  const { canWrite } = useAuth();
  const actions = useSessionActions((s) => lookups.accountName(s.accountId));
  const columns: Column<DeskSession>[] = [
    ...useSessionColumns(lookups),
    {
      key: 'since',
      header: t('session.since'),
      render: (s) => <span title={formatDateTime(s.requestedAt)}>{formatRelative(s.activeAt ?? s.requestedAt, lang)}</span>,
      width: 110,
    },
    { key: 'activity', header: t('session.lastActivity'), render: (s) => formatRelative(s.lastActivityAt, lang), width: 110 },
    ...actionsColumn(
      canWrite,
      (s: DeskSession) => (
        <span className="row-actions">
          {s.state !== 'disconnected' && (
            <button className="btn btn-small" disabled={actions.pending} onClick={() => void actions.run(s, 'disconnect')}>
              {t('session.forceDisconnect')}
            </button>
          )}
          <button className="btn btn-small btn-danger" disabled={actions.pending} onClick={() => void actions.run(s, 'end')} data-testid="session-end">
            {t('session.forceEnd')}
          </button>
        </span>
      ),
      190,
    ),
  ];
  return <DataTable testId="live-sessions" rows={rows} columns={columns} rowKey={(s) => s.id} empty={<EmptyState title={t('session.noLive')} />} />;
}

function endReasonText(reason: string | null, t: ReturnType<typeof useI18n>['t']): string {
  if (!reason) return '—';
  const key = `session.endReason.${reason}`;
  return hasMessage(key) ? t(key) : reason;
}

function SessionHistory({ lookups }: { lookups: Lookups }) {
  const { t } = useI18n();
  const options = useOptions();
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<SortState | null>(null);
  const set = (k: string, v: string) => {
    setFilters({ ...filters, [k]: v });
    setPage(1);
  };
  const query: SessionQuery = {
    page,
    pageSize: 50,
    ...(sort ? { sort: sort.sort as SessionQuery['sort'], order: sort.order } : {}),
    ...(filters.accountId ? { accountId: filters.accountId } : {}),
    ...(filters.windowId ? { windowId: filters.windowId } : {}),
    ...(filters.departmentId ? { departmentId: filters.departmentId } : {}),
    ...(filters.siteId ? { siteId: filters.siteId } : {}),
    ...(filters.state ? { state: filters.state as SessionQuery['state'] } : {}),
    ...(filters.from ? { from: localInputToIso(filters.from) } : {}),
    ...(filters.to ? { to: localInputToIso(filters.to) } : {}),
  };
  const list = useQuery({ ...sessionQueries.list(query), placeholderData: keepPreviousData });
  const columns: Column<DeskSession>[] = [
    { key: 'requested', sortKey: 'requestedAt', header: t('session.requestedAt'), render: (s) => formatDateTime(s.requestedAt), width: 160 },
    ...useSessionColumns(lookups),
    { key: 'ended', sortKey: 'endedAt', header: t('session.endedAt'), render: (s) => (s.state === 'ended' ? formatDateTime(s.endedAt) : '—'), width: 160 },
    {
      key: 'duration',
      header: t('session.duration'),
      render: (s) => (s.state === 'ended' && s.endedAt ? formatDuration(new Date(s.endedAt).getTime() - new Date(s.requestedAt).getTime()) : '—'),
      width: 80,
      align: 'right',
    },
    { key: 'reason', header: t('session.endReason'), render: (s) => endReasonText(s.endReason, t) },
    {
      key: 'rec',
      header: t('session.recording'),
      render: (s) => (s.hasRecording ? <Link to={`/sessions/${s.id}/recording`}>{t('session.play')}</Link> : '—'),
      width: 70,
    },
  ];
  const accountOptions = [...lookups.account.values()].map((a) => ({ value: a.id, label: `${a.displayName}（${a.username}）` }));
  const windowOptions = [...lookups.window.values()].map((w) => ({ value: w.id, label: `${w.code} · ${lookups.siteName(w.siteId)}` }));
  const select = (k: string, label: string, opts: { value: string; label: string }[]) => (
    <select aria-label={label} value={filters[k] ?? ''} onChange={(e) => set(k, e.target.value)}>
      <option value="">{t('common.allOf', { what: label })}</option>
      {opts.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
  return (
    <>
      <Toolbar>
        {select('accountId', t('session.clerk'), accountOptions)}
        {select('windowId', t('session.window'), windowOptions)}
        {select('departmentId', t('session.department'), options.department)}
        {select('siteId', t('session.site'), options.site)}
        {select(
          'state',
          t('session.state'),
          (['active', 'disconnected', 'ended', 'requested', 'connecting'] as const).map((s) => ({ value: s, label: t(`session.state.${s}`) })),
        )}
        <label className="inline-label">
          {t('common.from')} <input type="datetime-local" value={filters.from ?? ''} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label className="inline-label">
          {t('common.to')} <input type="datetime-local" value={filters.to ?? ''} onChange={(e) => set('to', e.target.value)} />
        </label>
      </Toolbar>
      <QueryView query={list}>
        {(data) => (
          <>
            <DataTable
              testId="session-history"
              rows={data.items}
              columns={columns}
              rowKey={(s) => s.id}
              empty={<EmptyState title={t('common.empty')} />}
              sort={sort}
              onSort={(next) => {
                setSort(next);
                setPage(1);
              }}
            />
            <Pagination page={page} pageSize={50} total={data.total} onPage={setPage} />
          </>
        )}
      </QueryView>
    </>
  );
}
