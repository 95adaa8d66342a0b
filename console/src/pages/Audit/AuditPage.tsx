import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { auditApi, auditQueries } from '../../api/audit';
import type { AuditEvent, AuditQuery } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { PageHeader, Toolbar } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { hasMessage, useI18n } from '../../i18n/i18n';
import { formatDateTime, formatInt, localInputToIso } from '../../i18n/core/format';
import { auditActionText, AuditActionLabel } from '../../modules/audit/AuditActionLabel';
import { AuditDetail } from '../../modules/audit/AuditDetail';
import { downloadText, stampedName, toCsv } from '../../modules/csv/csv';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { QueryView } from '../../components/QueryView';

const TARGET_TYPES = ['session', 'account', 'terminal', 'desktop', 'pool', 'window', 'site', 'department', 'gateway', 'windows', 'accounts', 'join-token'];
const COMMON_ACTIONS = [
  'auth.login',
  'login.refused',
  'session.requested',
  'session.active',
  'session.disconnected',
  'session.ended',
  'session.reconnect',
  'terminal.command',
  'windows.import',
  'accounts.import',
];
const PAGE_SIZE = 50;

/** one line of what an event carries, in words (the detail view shows all of it) */
function summary(e: AuditEvent): string {
  const fields =
    e.before && e.after ? Object.keys(e.after).filter((k) => k !== 'updatedAt' && JSON.stringify(e.before?.[k]) !== JSON.stringify(e.after?.[k])) : [];
  if (fields.length) return fields.join('、');
  return Object.entries(e.details ?? {})
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('；');
}

export function AuditPage() {
  const { t } = useI18n();
  const feedback = useFeedback();
  const [params] = useSearchParams();
  const options = useOptions();
  const lookups = useLookups({ windows: false });
  const [filters, setFilters] = useState<Record<string, string>>((): Record<string, string> => {
    const siteId = params.get('siteId');
    return siteId ? { siteId } : {};
  });
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  const [exporting, setExporting] = useState(false);
  const set = (k: string, v: string) => {
    setFilters({ ...filters, [k]: v });
    setPage(1);
  };
  const base: AuditQuery = {
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.targetType ? { targetType: filters.targetType } : {}),
    ...(filters.siteId ? { siteId: filters.siteId } : {}),
    ...(filters.from ? { from: localInputToIso(filters.from) } : {}),
    ...(filters.to ? { to: localInputToIso(filters.to) } : {}),
  };
  const list = useQuery({ ...auditQueries.list({ ...base, page, pageSize: PAGE_SIZE }), placeholderData: keepPreviousData });

  const exportCsv = async () => {
    setExporting(true);
    try {
      const rows = await auditApi.all(base);
      const csv = toCsv(
        [
          t('audit.at'),
          t('audit.actor'),
          t('audit.action'),
          t('audit.actionCode'),
          t('audit.target'),
          t('audit.targetId'),
          t('audit.site'),
          t('audit.address'),
          t('audit.details'),
        ],
        rows.map((e) => [
          formatDateTime(e.at),
          e.actorLabel ?? t('audit.system'),
          auditActionText(e.action, t, e.actionName),
          e.action,
          e.targetLabel ?? e.targetType,
          e.targetId,
          e.siteId ? lookups.siteName(e.siteId) : '',
          e.address,
          JSON.stringify({ before: e.before, after: e.after, details: e.details }),
        ]),
      );
      downloadText(stampedName('audit'), csv);
      feedback.ok(t('audit.exported', { n: formatInt(rows.length) }));
    } catch (err) {
      feedback.error(err);
    } finally {
      setExporting(false);
    }
  };

  const targetLabel = (type: string | null) => {
    if (!type) return '—';
    const key = `audit.type.${type}`;
    return hasMessage(key) ? t(key) : type;
  };

  return (
    <div data-testid="page-audit">
      <PageHeader
        title={t('nav.audit')}
        subtitle={t('audit.subtitle')}
        actions={
          <button className="btn" onClick={() => void exportCsv()} disabled={exporting} data-testid="audit-export">
            {exporting ? t('common.loading') : t('common.exportCsv')}
          </button>
        }
      />
      <Toolbar>
        <input
          className="search"
          type="search"
          placeholder={t('audit.search')}
          value={filters.q ?? ''}
          onChange={(e) => set('q', e.target.value.trim())}
          aria-label={t('audit.search')}
          data-testid="audit-search"
        />
        <input
          className="search"
          list="audit-actions"
          placeholder={t('audit.action')}
          value={filters.action ?? ''}
          onChange={(e) => set('action', e.target.value.trim())}
          aria-label={t('audit.action')}
        />
        <datalist id="audit-actions">
          {COMMON_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {auditActionText(a, t)}
            </option>
          ))}
        </datalist>
        <select value={filters.targetType ?? ''} onChange={(e) => set('targetType', e.target.value)} aria-label={t('audit.target')}>
          <option value="">{t('common.allOf', { what: t('audit.target') })}</option>
          {TARGET_TYPES.map((x) => (
            <option key={x} value={x}>
              {targetLabel(x)}
            </option>
          ))}
        </select>
        <select value={filters.siteId ?? ''} onChange={(e) => set('siteId', e.target.value)} aria-label={t('audit.site')}>
          <option value="">{t('common.allOf', { what: t('audit.site') })}</option>
          {options.site.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
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
            <DataTable<AuditEvent>
              testId="audit-table"
              rows={data.items}
              rowKey={(e) => String(e.id)}
              onRowClick={(e) => setOpen(open === e.id ? null : e.id)}
              selectedKey={open === null ? null : String(open)}
              empty={<EmptyState title={t('common.empty')} />}
              columns={[
                { key: 'at', header: t('audit.at'), render: (e) => formatDateTime(e.at), width: 160 },
                { key: 'actor', header: t('audit.actor'), render: (e) => e.actorLabel ?? <span className="muted">{t('audit.system')}</span>, width: 160 },
                { key: 'action', header: t('audit.action'), render: (e) => <AuditActionLabel action={e.action} name={e.actionName} />, width: 170 },
                {
                  key: 'target',
                  header: t('audit.target'),
                  render: (e) => (
                    <span>
                      {targetLabel(e.targetType)} {e.targetLabel ?? <code className="muted small">{e.targetId?.slice(0, 8) ?? ''}</code>}
                    </span>
                  ),
                  width: 200,
                },
                { key: 'site', header: t('audit.site'), render: (e) => (e.siteId ? lookups.siteName(e.siteId) : '—'), width: 140 },
                { key: 'addr', header: t('audit.address'), render: (e) => e.address ?? '—', width: 120 },
                {
                  key: 'details',
                  header: t('audit.details'),
                  className: 'wrap',
                  render: (e) => <span className="muted ellipsis">{summary(e)}</span>,
                },
              ]}
            />
            {data.items
              .filter((e) => e.id === open)
              .map((e) => (
                <AuditDetail key={e.id} event={e} />
              ))}
            <Pagination page={page} pageSize={PAGE_SIZE} total={data.total} onPage={setPage} />
          </>
        )}
      </QueryView>
    </div>
  );
}
