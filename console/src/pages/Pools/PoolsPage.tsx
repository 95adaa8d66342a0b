import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { desktops, pools } from '../../api/resources';
import { sessionQueries } from '../../api/sessions';
import type { Pool } from '../../api/types';
import { Badge, CapacityBar } from '../../components/Badge';
import { actionsColumn, DataTable } from '../../components/DataTable';
import { Drawer } from '../../components/Drawer';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { formatInt } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { capacityOf, groupBy } from '../../modules/capacity/capacity';
import { EntityForm } from '../../modules/entity-form/EntityForm';
import { useLookups, usePools } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { PoolStateBadge } from '../../modules/status/StatusBadges';
import { useLive } from '../../realtime/LiveEventsProvider';
import { DesktopsPanel } from './DesktopsPanel';
import { poolBody, poolFields, poolValues } from './pool-form';
import { QueryView } from '../../components/QueryView';

export function PoolsPage() {
  const { t } = useI18n();
  const { canWrite } = useAuth();
  const live = useLive();
  const feedback = useFeedback();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { poolId } = useParams();
  const [editing, setEditing] = useState<Pool | 'new' | null>(null);
  const list = usePools();
  const desk = useQuery({ ...desktops.queries.all({}), refetchInterval: live.pollInterval });
  const sess = useQuery({ ...sessionQueries.live(), refetchInterval: live.pollInterval });
  const lookups = useLookups({ windows: false });
  const options = useOptions();

  const desktopsByPool = groupBy(desk.data ?? [], (d) => d.poolId);
  const sessionsByPool = groupBy(sess.data ?? [], (s) => s.poolId);
  const selected = list.data?.find((p) => p.id === poolId) ?? null;
  const word = (k: 'security' | 'clipboard' | 'kind' | 'devices', v: string) => t(`pool.${k}.${v}` as 'pool.kind.floating');

  const setState = async (pool: Pool, state: 'active' | 'draining' | 'maintenance') => {
    if (state !== 'active') {
      const ok = await feedback.confirm({
        title: t(state === 'draining' ? 'pool.confirmDrainTitle' : 'pool.confirmMaintenanceTitle', { name: pool.name }),
        body: t(state === 'draining' ? 'pool.confirmDrainBody' : 'pool.confirmMaintenanceBody'),
        danger: state === 'maintenance',
      });
      if (!ok) return;
    }
    try {
      await pools.client.update(pool.id, { state });
      feedback.ok(t('common.savedOk'));
    } catch (err) {
      feedback.error(err);
    }
    await queryClient.invalidateQueries({ queryKey: pools.keys.root });
  };

  const save = async (body: Record<string, unknown>, values: Record<string, unknown>) => {
    const mode = editing === 'new' ? 'create' : 'edit';
    const payload = poolBody(body, values, mode);
    if (editing === 'new') {
      const pool = await pools.client.create(payload as never);
      feedback.ok(t('common.createdOk', { name: pool.name }));
      navigate(`/pools/${pool.id}`);
    } else if (editing) {
      if (Object.keys(payload).length) await pools.client.update(editing.id, payload as never);
      feedback.ok(t('common.savedOk'));
    }
    setEditing(null);
    await queryClient.invalidateQueries({ queryKey: pools.keys.root });
  };

  return (
    <div data-testid="page-pools">
      <PageHeader
        title={t('nav.pools')}
        subtitle={t('pool.subtitle')}
        actions={
          canWrite && (
            <button className="btn btn-primary" onClick={() => setEditing('new')} data-testid="create-pool">
              {t('pool.new')}
            </button>
          )
        }
      />
      <QueryView query={list}>
        {(data) => (
          <DataTable
            testId="pools-table"
            rows={data}
            rowKey={(p) => p.id}
            selectedKey={poolId ?? null}
            onRowClick={(p) => navigate(`/pools/${p.id}`)}
            empty={<EmptyState title={t('pool.empty')} />}
            columns={[
              { key: 'name', header: t('pool.name'), render: (p) => <b>{p.name}</b> },
              { key: 'dept', header: t('pool.department'), render: (p) => lookups.departmentName(p.departmentId) },
              { key: 'site', header: t('pool.site'), render: (p) => lookups.siteName(p.siteId) },
              { key: 'kind', header: t('pool.kind'), render: (p) => word('kind', p.kind), width: 70 },
              { key: 'state', header: t('pool.state'), render: (p) => <PoolStateBadge state={p.state} />, width: 80 },
              {
                key: 'cap',
                header: t('pool.usage'),
                width: 170,
                render: (p) => {
                  const c = capacityOf(p, desktopsByPool.get(p.id) ?? [], sessionsByPool.get(p.id) ?? []);
                  return (
                    <CapacityBar
                      used={c.inUse}
                      total={c.total}
                      down={c.down}
                      label={t('pool.capacityTitle', { available: c.available, down: c.down, maintenance: c.maintenance })}
                    />
                  );
                },
              },
              {
                key: 'health',
                header: t('pool.health'),
                width: 120,
                render: (p) => {
                  const c = capacityOf(p, desktopsByPool.get(p.id) ?? [], []);
                  return (
                    <span>
                      {c.down > 0 && <Badge tone="bad">{t('pool.down', { n: formatInt(c.down) })}</Badge>}
                      {c.maintenance > 0 && <Badge tone="warn">{t('pool.maint', { n: formatInt(c.maintenance) })}</Badge>}
                      {c.down === 0 && c.maintenance === 0 && <Badge tone="ok">{t('pool.healthy')}</Badge>}
                    </span>
                  );
                },
              },
              { key: 'gw', header: t('pool.gateways'), render: (p) => p.gatewayIds.map((g) => lookups.gatewayName(g)).join(' → ') },
              ...actionsColumn(
                canWrite,
                (p: Pool) => (
                  <span className="row-actions" onClick={(e) => e.stopPropagation()}>
                    <label className="switch" title={t('pool.drain')}>
                      <input
                        type="checkbox"
                        checked={p.state === 'draining'}
                        onChange={(e) => void setState(p, e.target.checked ? 'draining' : 'active')}
                        data-testid="pool-drain"
                      />
                      {t('pool.drain')}
                    </label>
                    <label className="switch" title={t('pool.maintenance')}>
                      <input
                        type="checkbox"
                        checked={p.state === 'maintenance'}
                        onChange={(e) => void setState(p, e.target.checked ? 'maintenance' : 'active')}
                        data-testid="pool-maintenance"
                      />
                      {t('pool.maintenance')}
                    </label>
                    <button className="btn btn-small" onClick={() => setEditing(p)}>
                      {t('common.edit')}
                    </button>
                  </span>
                ),
                230,
              ),
            ]}
          />
        )}
      </QueryView>
      {selected && <DesktopsPanel pool={selected} lookups={lookups} />}
      {editing && (
        <Drawer title={editing === 'new' ? t('pool.new') : t('common.editTitle', { name: editing.name })} onClose={() => setEditing(null)} width={560}>
          <EntityForm
            fields={poolFields(options, word)}
            initial={poolValues(editing === 'new' ? null : editing)}
            mode={editing === 'new' ? 'create' : 'edit'}
            onSubmit={save}
            onCancel={() => setEditing(null)}
            testId="pool-form"
          />
        </Drawer>
      )}
    </div>
  );
}
