import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { WORK_ORDER_STATES } from '@yunzhuo/protocol/api/rating-work-orders';
import { followUpQueries, type WorkOrder } from '../../api/rating-follow-up';
import { Badge, type Tone } from '../../components/Badge';
import { DataTable, type SortState } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { Card, PageHeader, Toolbar } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/i18n';
import { formatDateTime } from '../../i18n/core/format';
import { useLookups } from '../../modules/lookups/lookups';
import { WorkOrderDrawer } from './WorkOrderDrawer';
import { formatDeadline } from './deadline';

const PAGE_SIZE = 50;

export const STATE_TONE: Record<WorkOrder['state'], Tone> = { open: 'warn', visited: 'info', rectified: 'ok', appealed: 'accent', excluded: 'muted' };

/** 差评工单: every 差评's follow-up, filtered by state, department, site or overdue; a row opens its steps. */
export function WorkOrdersPage() {
  const { t } = useI18n();
  // the filters' lists (a department reviewer reads none: its orders are its departments' anyway)
  const lookups = useLookups({ accounts: false, windows: false });
  const [state, setState] = useState('');
  const [departmentId, setDepartmentId] = useState('');
  const [siteId, setSiteId] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<SortState>({ sort: 'createdAt', order: 'desc' });
  const [openId, setOpenId] = useState<string | null>(null);
  const query = { page, pageSize: PAGE_SIZE, state, departmentId, siteId, ...(overdue ? { overdue: 'true' } : {}), sort: sort.sort, order: sort.order };
  const list = useQuery(followUpQueries.workOrders(query));
  const filter = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    setPage(1);
  };

  const due = (at: string, done: string | null, late: boolean) => (
    <span>
      {formatDeadline(at)} {late ? <Badge tone="bad">{t('wo.overdue')}</Badge> : done ? <Badge tone="ok">{t('wo.done')}</Badge> : null}
    </span>
  );

  return (
    <div data-testid="page-work-orders">
      <PageHeader title={t('nav.workOrders')} subtitle={t('wo.subtitle')} />
      <Card>
        <Toolbar>
          <select aria-label={t('wo.state')} data-testid="wo-filter-state" value={state} onChange={filter(setState)}>
            <option value="">{t('common.allOf', { what: t('wo.state') })}</option>
            {WORK_ORDER_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`wo.state.${s}`)}
              </option>
            ))}
          </select>
          {lookups.department.size > 0 && (
            <select aria-label={t('wo.department')} value={departmentId} onChange={filter(setDepartmentId)}>
              <option value="">{t('common.allOf', { what: t('wo.department') })}</option>
              {[...lookups.department.values()].map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
          {lookups.site.size > 0 && (
            <select aria-label={t('wo.site')} value={siteId} onChange={filter(setSiteId)}>
              <option value="">{t('common.allOf', { what: t('wo.site') })}</option>
              {[...lookups.site.values()].map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
          <label>
            <input
              type="checkbox"
              data-testid="wo-filter-overdue"
              checked={overdue}
              onChange={(e) => {
                setOverdue(e.target.checked);
                setPage(1);
              }}
            />{' '}
            {t('wo.onlyOverdue')}
          </label>
        </Toolbar>
        <QueryView query={list}>
          {(data) => (
            <>
              <DataTable
                testId="wo-table"
                rows={data.items}
                rowKey={(o) => o.id}
                onRowClick={(o) => setOpenId(o.id)}
                selectedKey={openId}
                sort={sort}
                onSort={(next) => {
                  setSort(next);
                  setPage(1);
                }}
                empty={<EmptyState title={t('wo.empty')}>{t('wo.emptyBody')}</EmptyState>}
                columns={[
                  { key: 'created', header: t('common.createdAt'), render: (o) => formatDateTime(o.createdAt), sortKey: 'createdAt', width: 150 },
                  { key: 'level', header: t('wo.level'), render: (o) => <Badge tone="bad">{t(`rating.level.${o.level}`)}</Badge>, width: 100 },
                  { key: 'tags', header: t('wo.tags'), render: (o) => o.tagLabels.join('、') || '—' },
                  { key: 'case', header: t('wo.caseNumber'), render: (o) => <code>{o.caseNumber ?? '—'}</code> },
                  { key: 'window', header: t('wo.window'), render: (o) => o.names.window ?? '—', width: 80 },
                  { key: 'department', header: t('wo.department'), render: (o) => o.names.department ?? '—' },
                  {
                    key: 'state',
                    header: t('wo.state'),
                    render: (o) => (
                      <span data-testid="wo-state" data-state={o.state}>
                        <Badge tone={STATE_TONE[o.state]}>{t(`wo.state.${o.state}`)}</Badge>
                      </span>
                    ),
                    width: 90,
                  },
                  { key: 'visitDue', header: t('wo.visitDue'), render: (o) => due(o.visitDueAt, o.visitedAt, o.visitOverdue), sortKey: 'visitDueAt' },
                  {
                    key: 'rectifyDue',
                    header: t('wo.rectifyDue'),
                    render: (o) => due(o.rectifyDueAt, o.rectifiedAt, o.rectifyOverdue),
                    sortKey: 'rectifyDueAt',
                  },
                ]}
              />
              <Pagination page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />
            </>
          )}
        </QueryView>
      </Card>
      {openId && <WorkOrderDrawer id={openId} onClose={() => setOpenId(null)} />}
    </div>
  );
}
