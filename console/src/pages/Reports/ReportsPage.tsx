import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError } from '../../api/api-error';
import { auditQueries } from '../../api/audit';
import { ratingQueries, type Rating } from '../../api/ratings';
import { desktops } from '../../api/resources';
import { sessionQueries } from '../../api/sessions';
import { DataTable } from '../../components/DataTable';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorView } from '../../components/ErrorView';
import { Card, PageHeader, Toolbar } from '../../components/PageHeader';
import { Tabs } from '../../components/Tabs';
import { useI18n } from '../../i18n/i18n';
import { formatInt, formatPercent } from '../../i18n/core/format';
import { downloadText, stampedName, toCsv } from '../../modules/csv/csv';
import { useLookups } from '../../modules/lookups/lookups';
import { loginsPerHour, loginTimeDistribution, ratingsBy, refusalsByReason, utilisation, type RatingRow } from './report-data';

type Range = 'today' | '7d' | '30d';
type RatingBy = 'window' | 'clerk' | 'department';
/** the five levels in the order a report prints them, 非常满意 first */
const LEVELS = [5, 4, 3, 2, 1] as const;
const PEAK_HOUR = 8;
const COLORS = { primary: '#2f6fde', peak: '#e8833a', ok: '#2e9e5b', bad: '#d64545', grid: '#e6e9ef' };

function rangeStart(range: Range): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  if (range === '7d') d.setDate(d.getDate() - 6);
  if (range === '30d') d.setDate(d.getDate() - 29);
  return d;
}

/** The broker's streamed exports of ratings and work orders, [from, the end of today). */
const SERVER_EXPORTS = [
  { path: 'ratings', format: 'csv', label: 'report.exportRatingsCsv' },
  { path: 'ratings', format: 'xlsx', label: 'report.exportRatingsXlsx' },
  { path: 'rating-work-orders', format: 'xlsx', label: 'report.exportWorkOrdersXlsx' },
] as const;

function serverExport(path: string, format: string, from: string): string {
  const to = new Date();
  to.setHours(24, 0, 0, 0);
  return `/api/v1/${path}/export?${new URLSearchParams({ format, from, to: to.toISOString() })}`;
}

/** Loaded on demand (with recharts) so the console's first load stays small. */
export default function ReportsPage() {
  const { t, lang } = useI18n();
  const [range, setRange] = useState<Range>('today');
  const [ratingBy, setRatingBy] = useState<RatingBy>('window');
  const from = useMemo(() => rangeStart(range).toISOString(), [range]);
  const lookups = useLookups();
  const sessions = useQuery(sessionQueries.all({ from, sort: 'requestedAt', order: 'asc' }));
  const refusals = useQuery(auditQueries.all({ action: 'login.refused', from }));
  const desk = useQuery(desktops.queries.all({}));
  const ratings = useQuery(ratingQueries.all({ from }));

  const poolDept = useMemo(() => new Map([...lookups.pool.values()].map((p) => [p.id, p.departmentId])), [lookups.pool]);
  const hourly = useMemo(() => loginsPerHour(sessions.data ?? []), [sessions.data]);
  const loginTimes = useMemo(() => loginTimeDistribution(sessions.data ?? []), [sessions.data]);
  const util = useMemo(
    () => utilisation(sessions.data ?? [], desk.data ?? [], poolDept, lookups.departmentName),
    [sessions.data, desk.data, poolDept, lookups],
  );
  const reasons = useMemo(() => refusalsByReason(refusals.data ?? []), [refusals.data]);
  const sessionOf = useMemo(() => new Map((sessions.data ?? []).map((s) => [s.id, s])), [sessions.data]);
  const ratingRows = useMemo(() => {
    const list: Rating[] = ratings.data ?? [];
    const via = (r: Rating) => (r.sessionId ? sessionOf.get(r.sessionId) : undefined);
    if (ratingBy === 'window') return ratingsBy(list, (r) => r.windowId, lookups.windowCode);
    if (ratingBy === 'clerk') return ratingsBy(list, (r) => r.accountId ?? via(r)?.accountId, lookups.accountName);
    return ratingsBy(list, (r) => r.departmentId ?? via(r)?.departmentId, lookups.departmentName);
  }, [ratings.data, ratingBy, sessionOf, lookups]);

  const error = [sessions, refusals, desk].find((q) => q.isError)?.error;
  const ratingsMissing = ratings.error instanceof ApiError && ratings.error.status === 404;
  const exportRows = (name: string, header: string[], rows: (string | number)[][]) => downloadText(stampedName(name), toCsv(header, rows));
  const reasonText = (code: string) => ApiError.text(code, lang, code);
  const allRatings = ratingsBy(
    ratings.data ?? [],
    () => 'all',
    () => '',
  );
  const overall = allRatings[0];

  return (
    <div data-testid="page-reports">
      <PageHeader title={t('nav.reports')} subtitle={t('report.subtitle')} />
      <Toolbar>
        <Tabs<Range>
          tabs={[
            { key: 'today', label: t('report.range.today') },
            { key: '7d', label: t('report.range.7d') },
            { key: '30d', label: t('report.range.30d') },
          ]}
          active={range}
          onChange={setRange}
        />
        <span className="muted">{t('report.sessionsInRange', { n: formatInt(sessions.data?.length ?? 0) })}</span>
      </Toolbar>
      {error ? (
        <ErrorView error={error} />
      ) : sessions.isPending || refusals.isPending || desk.isPending ? (
        <Loading label={t('common.loading')} />
      ) : (
        <div className="report-grid">
          <Card
            title={t('report.loginsPerHour')}
            actions={
              <button
                className="btn btn-small"
                onClick={() =>
                  exportRows(
                    'logins-per-hour',
                    [t('report.hour'), t('report.logins')],
                    hourly.map((h) => [h.hour, h.logins]),
                  )
                }
              >
                {t('common.exportCsv')}
              </button>
            }
          >
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={hourly} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid stroke={COLORS.grid} vertical={false} />
                <XAxis dataKey="hour" tickFormatter={(h: number) => `${h}`} fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip formatter={(v) => [formatInt(Number(v)), t('report.logins')]} labelFormatter={(h) => t('report.hourLabel', { hour: String(h) })} />
                <Bar dataKey="logins" isAnimationActive={false}>
                  {hourly.map((h) => (
                    <Cell key={h.hour} fill={h.hour === PEAK_HOUR ? COLORS.peak : COLORS.primary} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
            <div className="muted small">{t('report.peakNote')}</div>
          </Card>

          <Card
            title={t('report.loginTime')}
            actions={
              <button
                className="btn btn-small"
                onClick={() =>
                  exportRows(
                    'login-time',
                    [t('report.bucket'), t('report.sessions')],
                    loginTimes.map((b) => [b.bucket, b.sessions]),
                  )
                }
              >
                {t('common.exportCsv')}
              </button>
            }
          >
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={loginTimes} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                <CartesianGrid stroke={COLORS.grid} vertical={false} />
                <XAxis dataKey="bucket" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip formatter={(v) => [formatInt(Number(v)), t('report.sessions')]} />
                <Bar dataKey="sessions" fill={COLORS.ok} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Card>

          <Card
            title={t('report.utilisation')}
            actions={
              <button
                className="btn btn-small"
                onClick={() =>
                  exportRows(
                    'pool-utilisation',
                    [t('pool.department'), t('report.desktops'), t('report.inUseNow'), t('report.peak'), t('report.peakRate')],
                    util.map((u) => [u.department, u.desktops, u.inUse, u.peak, formatPercent(u.peakRate)]),
                  )
                }
              >
                {t('common.exportCsv')}
              </button>
            }
          >
            {util.length === 0 ? (
              <EmptyState title={t('report.noData')} />
            ) : (
              <ResponsiveContainer width="100%" height={Math.max(120, util.length * 32 + 40)}>
                <BarChart
                  data={util.map((u) => ({ ...u, pct: Math.round(u.peakRate * 1000) / 10 }))}
                  layout="vertical"
                  margin={{ top: 8, right: 24, bottom: 0, left: 24 }}
                >
                  <CartesianGrid stroke={COLORS.grid} horizontal={false} />
                  <XAxis type="number" domain={[0, 100]} unit="%" fontSize={11} />
                  <YAxis type="category" dataKey="department" width={90} fontSize={11} />
                  <Tooltip formatter={(v) => [`${String(v)}%`, t('report.peakRate')]} />
                  <Bar dataKey="pct" isAnimationActive={false}>
                    {util.map((u) => (
                      <Cell key={u.id} fill={u.peakRate >= 0.9 ? COLORS.bad : u.peakRate >= 0.7 ? COLORS.peak : COLORS.primary} />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            )}
          </Card>

          <Card
            title={t('report.refusals')}
            actions={
              <button
                className="btn btn-small"
                onClick={() =>
                  exportRows(
                    'refusals',
                    [t('report.reason'), t('report.code'), t('report.count')],
                    reasons.map((r) => [reasonText(r.code), r.code, r.count]),
                  )
                }
              >
                {t('common.exportCsv')}
              </button>
            }
          >
            {reasons.length === 0 ? (
              <EmptyState title={t('report.noRefusals')} icon="✓" />
            ) : (
              <DataTable
                rows={reasons}
                rowKey={(r) => r.code}
                columns={[
                  { key: 'reason', header: t('report.reason'), render: (r) => reasonText(r.code) },
                  { key: 'code', header: t('report.code'), render: (r) => <code>{r.code}</code>, width: 150 },
                  { key: 'count', header: t('report.count'), render: (r) => formatInt(r.count), align: 'right', width: 70 },
                ]}
              />
            )}
          </Card>

          <Card
            className="span-2"
            title={t('report.ratings')}
            testId="report-ratings"
            actions={
              !ratingsMissing && (
                <>
                  <button
                    className="btn btn-small"
                    onClick={() =>
                      exportRows(
                        `ratings-${ratingBy}`,
                        [
                          t(`report.by.${ratingBy}`),
                          ...LEVELS.map((l) => t(`rating.level.${l}`)),
                          t('report.total'),
                          t('report.satisfaction'),
                          t('report.badRate'),
                        ],
                        ratingRows.map((r) => [r.name, ...r.levels, r.total, formatPercent(r.satisfaction), formatPercent(r.badRate)]),
                      )
                    }
                  >
                    {t('common.exportCsv')}
                  </button>
                  {/* the hall's daily export, streamed by the broker in the national columns (docs/RATINGS.md) */}
                  {SERVER_EXPORTS.map(({ path, format, label }) => (
                    <a
                      key={`${path}-${format}`}
                      className="btn btn-small"
                      data-testid={`export-${path}-${format}`}
                      href={serverExport(path, format, from)}
                      download
                    >
                      {t(label)}
                    </a>
                  ))}
                </>
              )
            }
          >
            {ratingsMissing ? (
              <EmptyState title={t('report.ratingsUnavailable')} icon="⌛">
                {t('report.ratingsUnavailableBody')}
              </EmptyState>
            ) : ratings.isError ? (
              <ErrorView error={ratings.error} />
            ) : ratings.isPending ? (
              <Loading label={t('common.loading')} />
            ) : (
              <>
                <div className="rating-summary">
                  <Tabs<RatingBy>
                    tabs={[
                      { key: 'window', label: t('report.by.window') },
                      { key: 'clerk', label: t('report.by.clerk') },
                      { key: 'department', label: t('report.by.department') },
                    ]}
                    active={ratingBy}
                    onChange={setRatingBy}
                  />
                  {overall && (
                    <span>
                      {t('report.overall', {
                        total: formatInt(overall.total),
                        satisfaction: formatPercent(overall.satisfaction),
                        bad: formatPercent(overall.badRate),
                      })}
                    </span>
                  )}
                </div>
                <DataTable<RatingRow>
                  rows={ratingRows}
                  rowKey={(r) => r.key}
                  empty={<EmptyState title={t('report.noRatings')} />}
                  columns={[
                    { key: 'name', header: t(`report.by.${ratingBy}`), render: (r) => r.name },
                    ...LEVELS.map((level, i) => ({
                      key: `level-${level}`,
                      header: t(`rating.level.${level}`),
                      render: (r: RatingRow) => <span className={level <= 2 && r.levels[i] ? 'text-bad' : ''}>{formatInt(r.levels[i] ?? 0)}</span>,
                      align: 'right' as const,
                      width: 80,
                    })),
                    { key: 'total', header: t('report.total'), render: (r) => formatInt(r.total), align: 'right', width: 70 },
                    {
                      key: 'sat',
                      header: t('report.satisfaction'),
                      render: (r) => <b className={r.satisfaction < 0.95 ? 'text-bad' : 'text-ok'}>{formatPercent(r.satisfaction)}</b>,
                      align: 'right',
                      width: 90,
                    },
                    { key: 'badRate', header: t('report.badRate'), render: (r) => formatPercent(r.badRate), align: 'right', width: 90 },
                  ]}
                />
              </>
            )}
          </Card>
        </div>
      )}
    </div>
  );
}
