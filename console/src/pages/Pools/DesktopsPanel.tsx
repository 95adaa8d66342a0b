import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { connectorQueries } from '../../api/connectors';
import { desktops } from '../../api/resources';
import type { Desktop, Pool } from '../../api/types';
import { actionsColumn, DataTable, EditDeleteButtons } from '../../components/DataTable';
import { Drawer } from '../../components/Drawer';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { Card } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { formatRelative } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { EntityForm, type FieldSpec } from '../../modules/entity-form/EntityForm';
import type { Lookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { connectorUp } from '../../modules/hall-map/window-state';
import { DesktopStateBadge, HealthBadge } from '../../modules/status/StatusBadges';
import { useLive } from '../../realtime/LiveEventsProvider';
import { QueryView } from '../../components/QueryView';

/** The desktops of one pool: capacity and health, drain and maintenance, dedicated owners. */
export function DesktopsPanel({ pool, lookups }: { pool: Pool; lookups: Lookups }) {
  const { t, lang } = useI18n();
  const { canWrite } = useAuth();
  const live = useLive();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const options = useOptions();
  const [editing, setEditing] = useState<Desktop | 'new' | null>(null);
  const list = useQuery({ ...desktops.queries.all({ poolId: pool.id }), refetchInterval: live.pollInterval });
  const dedicated = pool.kind === 'dedicated';
  // a town pool: its desktops are reached through the town's connector (docs/TOWNS.md)
  const viaConnector = pool.settings.viaConnector === true;
  const connectors = useQuery({ ...connectorQueries.list(), enabled: viaConnector, retry: false });
  const townConnectors = (connectors.data?.items ?? []).filter((c) => c.siteId === pool.siteId && c.state === 'active');
  const carrier = () => {
    const up = townConnectors.filter(connectorUp);
    return up.length > 0 ? (
      <span data-testid="desktop-connector">⇄ {up.map((c) => c.name).join('、')}</span>
    ) : (
      <span className="bad-text" data-testid="desktop-connector" title={t('hall.connectorDown')}>
        ⚠ {townConnectors.map((c) => c.name).join('、') || t('connector.offline')}
      </span>
    );
  };
  const refresh = () => queryClient.invalidateQueries({ queryKey: desktops.keys.root });

  const patch = async (d: Desktop, body: { drain?: boolean; state?: 'free' | 'maintenance' }) => {
    try {
      await desktops.client.update(d.id, body);
      feedback.ok(t('common.savedOk'));
    } catch (err) {
      feedback.error(err);
    }
    await refresh();
  };
  const remove = async (d: Desktop) => {
    if (
      !(await feedback.confirm({
        title: t('common.deleteTitle', { name: d.name }),
        body: t('common.deleteBody'),
        danger: true,
        confirmLabel: t('common.delete'),
      }))
    )
      return;
    try {
      await desktops.client.remove(d.id);
      feedback.ok(t('common.deletedOk'));
    } catch (err) {
      feedback.error(err);
    }
    await refresh();
  };
  const save = async (body: Record<string, unknown>) => {
    if (editing === 'new') {
      const d = await desktops.client.create({ ...body, poolId: pool.id } as never);
      feedback.ok(t('common.createdOk', { name: d.name }));
    } else if (editing && Object.keys(body).length) {
      await desktops.client.update(editing.id, body as never);
      feedback.ok(t('common.savedOk'));
    }
    setEditing(null);
    await refresh();
  };

  // a dedicated desktop's owner must be entitled to this pool
  const owners = [...lookups.account.values()]
    .filter((a) => a.poolIds.includes(pool.id) || a.departmentIds.includes(pool.departmentId))
    .map((a) => ({ value: a.id, label: `${a.displayName}（${a.username}）` }));
  const fields: FieldSpec[] = [
    { name: 'name', label: 'desktop.name', kind: 'text', required: true, placeholder: 'TAX-VD-001' },
    { name: 'host', label: 'desktop.host', kind: 'text', required: true, placeholder: '10.1.0.21' },
    { name: 'port', label: 'desktop.port', kind: 'number', min: 1, max: 65535 },
    { name: 'rdpUsername', label: 'desktop.rdpUsername', kind: 'text', required: true },
    {
      name: 'rdpPassword',
      label: 'desktop.rdpPassword',
      kind: 'password',
      required: editing === 'new',
      help: editing === 'new' ? undefined : 'desktop.passwordKeep',
    } as FieldSpec,
    { name: 'siteId', label: 'desktop.site', kind: 'select', options: options.site, help: 'desktop.siteHelp' },
    ...(dedicated
      ? [{ name: 'ownerAccountId', label: 'desktop.owner', kind: 'select', options: owners, nullable: true, help: 'desktop.ownerHelp' } as FieldSpec]
      : []),
  ];

  return (
    <Card
      title={t('desktop.titleOf', { pool: pool.name })}
      testId="desktops-panel"
      actions={
        canWrite && (
          <button className="btn btn-primary btn-small" onClick={() => setEditing('new')} data-testid="create-desktop">
            {t('desktop.new')}
          </button>
        )
      }
    >
      <QueryView query={list}>
        {(data) => (
          <DataTable
            testId="desktops-table"
            rows={data}
            rowKey={(d) => d.id}
            empty={<EmptyState title={t('desktop.empty')} />}
            columns={[
              { key: 'name', header: t('desktop.name'), render: (d) => <b>{d.name}</b> },
              { key: 'addr', header: t('desktop.address'), render: (d) => <code>{`${d.host}:${d.port}`}</code> },
              { key: 'state', header: t('desktop.state'), render: (d) => <DesktopStateBadge state={d.state} />, width: 80 },
              { key: 'health', header: t('desktop.health'), render: (d) => <HealthBadge health={d.health} />, width: 70 },
              ...(viaConnector ? [{ key: 'connector', header: t('desktop.connector'), render: carrier, width: 140 }] : []),
              {
                key: 'session',
                header: t('desktop.session'),
                render: (d) => (d.sessionId ? <code title={d.sessionId}>{d.sessionId.slice(0, 8)}</code> : '—'),
                width: 90,
              },
              ...(dedicated
                ? [
                    {
                      key: 'owner',
                      header: t('desktop.owner'),
                      render: (d: Desktop) => (d.ownerAccountId ? lookups.accountName(d.ownerAccountId) : t('desktop.unassigned')),
                    },
                  ]
                : []),
              { key: 'released', header: t('desktop.lastReleased'), render: (d) => formatRelative(d.lastReleasedAt, lang), width: 110 },
              { key: 'reason', header: t('desktop.reason'), render: (d) => d.stateReason ?? '', className: 'muted' },
              ...actionsColumn(
                canWrite,
                (d: Desktop) => (
                  <span className="row-actions">
                    <label className="switch">
                      <input type="checkbox" checked={d.drain} onChange={(e) => void patch(d, { drain: e.target.checked })} />
                      {t('desktop.drain')}
                    </label>
                    <label className="switch" title={d.state === 'assigned' ? t('desktop.maintenanceBusy') : undefined}>
                      <input
                        type="checkbox"
                        checked={d.state === 'maintenance'}
                        disabled={d.state === 'assigned'}
                        onChange={(e) => void patch(d, { state: e.target.checked ? 'maintenance' : 'free' })}
                      />
                      {t('desktop.maintenance')}
                    </label>
                    <EditDeleteButtons onEdit={() => setEditing(d)} onDelete={() => void remove(d)} />
                  </span>
                ),
                280,
              ),
            ]}
          />
        )}
      </QueryView>
      {editing && (
        <Drawer title={editing === 'new' ? t('desktop.new') : t('common.editTitle', { name: editing.name })} onClose={() => setEditing(null)}>
          <EntityForm
            fields={fields}
            initial={editing === 'new' ? { port: 3389, siteId: pool.siteId } : { ...editing, rdpPassword: '' }}
            mode={editing === 'new' ? 'create' : 'edit'}
            onSubmit={save}
            onCancel={() => setEditing(null)}
            testId="desktop-form"
          />
        </Drawer>
      )}
    </Card>
  );
}
