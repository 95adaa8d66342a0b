import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { RATING_OUTBOX_STATES } from '@yunzhuo/protocol/api/rating-outbox';
import { followUpApi, followUpQueries, type OutboxItem } from '../../api/rating-follow-up';
import { Badge, type Tone } from '../../components/Badge';
import { actionsColumn, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { Card, PageHeader, Toolbar } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/i18n';
import { formatDateTime, formatInt } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';

const TONE: Record<OutboxItem['state'], Tone> = { pending: 'warn', delivered: 'ok', dead: 'bad' };
const PAGE_SIZE = 50;

/** 省级推送: each rating and work-order change on its way to the province; dead letters sent again by the county. */
export function RatingOutboxPage() {
  const { t } = useI18n();
  const { isCountyAdmin } = useAuth();
  const lookups = useLookups({ accounts: false });
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [state, setState] = useState<OutboxItem['state'] | ''>('dead');
  const [page, setPage] = useState(1);
  const list = useQuery(followUpQueries.outbox({ state, page, pageSize: PAGE_SIZE }));

  const retry = async (item: OutboxItem) => {
    try {
      await followUpApi.retry(item.id);
      feedback.ok(t('outbox.retried'));
    } catch (err) {
      feedback.error(err);
    }
    await queryClient.invalidateQueries({ queryKey: ['rating-outbox'] });
  };

  return (
    <div data-testid="page-rating-outbox">
      <PageHeader title={t('nav.ratingOutbox')} subtitle={t('outbox.subtitle')} />
      <Card>
        <Toolbar>
          <div className="tabs" role="tablist">
            {(['', ...RATING_OUTBOX_STATES] as const).map((s) => (
              <button
                key={s || 'all'}
                role="tab"
                aria-selected={state === s}
                className={state === s ? 'tab active' : 'tab'}
                data-testid={`outbox-tab-${s || 'all'}`}
                onClick={() => {
                  setState(s);
                  setPage(1);
                }}
              >
                {s ? t(`outbox.state.${s}`) : t('common.allOf', { what: '' })}
              </button>
            ))}
          </div>
        </Toolbar>
        <QueryView query={list}>
          {(data) => (
            <>
              <DataTable
                testId="outbox-table"
                rows={data.items}
                rowKey={(i) => String(i.id)}
                empty={<EmptyState title={t(state === 'dead' ? 'outbox.noDead' : 'outbox.empty')}>{t('outbox.emptyBody')}</EmptyState>}
                columns={[
                  { key: 'id', header: '#', render: (i) => formatInt(i.id), width: 60, align: 'right' },
                  { key: 'kind', header: t('outbox.kind'), render: (i) => t(kindKey(i.kind)) },
                  { key: 'key', header: t('outbox.key'), render: (i) => <code>{i.idempotencyKey.slice(0, 8) + '…:' + i.changeNo}</code> },
                  { key: 'window', header: t('wo.window'), render: (i) => lookups.windowCode(i.windowId), width: 80 },
                  {
                    key: 'state',
                    header: t('outbox.state'),
                    render: (i) => (
                      <span data-testid="outbox-state" data-state={i.state}>
                        <Badge tone={TONE[i.state]}>{t(`outbox.state.${i.state}`)}</Badge>
                      </span>
                    ),
                    width: 90,
                  },
                  { key: 'attempts', header: t('outbox.attempts'), render: (i) => formatInt(i.attempts), align: 'right', width: 70 },
                  { key: 'next', header: t('outbox.next'), render: (i) => (i.state === 'pending' ? formatDateTime(i.nextAttemptAt) : '—') },
                  { key: 'delivered', header: t('outbox.deliveredAt'), render: (i) => formatDateTime(i.deliveredAt) },
                  { key: 'error', header: t('outbox.lastError'), render: (i) => <span className="muted">{i.lastError ?? '—'}</span> },
                  ...actionsColumn(
                    isCountyAdmin,
                    (i: OutboxItem) =>
                      i.state === 'dead' && (
                        <button className="btn btn-small" data-testid="outbox-retry" onClick={() => void retry(i)}>
                          {t('outbox.retry')}
                        </button>
                      ),
                    90,
                  ),
                ]}
              />
              <Pagination page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />
            </>
          )}
        </QueryView>
      </Card>
    </div>
  );
}

function kindKey(kind: string) {
  const known = ['rating.created', 'work-order.visit', 'work-order.rectify', 'work-order.appeal', 'work-order.review', 'work-order.follow-up'] as const;
  return `outbox.kind.${(known as readonly string[]).includes(kind) ? (kind as (typeof known)[number]) : 'other'}` as const;
}
