import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { powerSchedules, type PowerSchedule } from '../../api/power-schedules';
import { Badge } from '../../components/Badge';
import { DataTable } from '../../components/DataTable';
import { useFeedback } from '../../components/Feedback';
import { Card } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { useLookups } from '../../modules/lookups/lookups';
import { NO_SITE_AREA, SiteAreaPicker } from './SiteAreaPicker';

/**
 * 定时关机 / 唤醒 (issue 17): per site or hall area, the terminals are powered off in the evening and
 * woken by wake-on-LAN in the morning, on working days (the county calendar) or every day.
 */
export function PowerSchedulesCard({ canWrite }: { canWrite: boolean }) {
  const { t } = useI18n();
  const feedback = useFeedback();
  const client = useQueryClient();
  const lookups = useLookups({ accounts: false });
  const list = useQuery(powerSchedules.queries.all({}));
  const [where, setWhere] = useState(NO_SITE_AREA);
  const { siteId, area } = where;
  const [days, setDays] = useState<'working-days' | 'every-day'>('working-days');
  const [powerOffAt, setPowerOffAt] = useState('18:30');
  const [wakeAt, setWakeAt] = useState('08:00');
  const refresh = () => void client.invalidateQueries({ queryKey: powerSchedules.keys.root });
  const create = useMutation({
    mutationFn: () => powerSchedules.client.create({ siteId, area: area || null, days, powerOffAt: powerOffAt || null, wakeAt: wakeAt || null }),
    onSuccess: () => (feedback.ok(t('power.saved')), refresh()),
    onError: (err) => feedback.error(err),
  });
  const toggle = useMutation({
    mutationFn: (s: PowerSchedule) => powerSchedules.client.update(s.id, { enabled: !s.enabled }),
    onSuccess: refresh,
    onError: (err) => feedback.error(err),
  });
  const remove = useMutation({
    mutationFn: (id: string) => powerSchedules.client.remove(id),
    onSuccess: refresh,
    onError: (err) => feedback.error(err),
  });

  return (
    <Card title={t('power.title')} testId="power-schedules">
      <p className="muted small">{t('power.help')}</p>
      {canWrite && (
        <div className="inline-form">
          <SiteAreaPicker value={where} onChange={setWhere} testIdPrefix="power" />
          <select value={days} onChange={(e) => setDays(e.target.value as typeof days)} aria-label={t('power.days')} data-testid="power-days">
            <option value="working-days">{t('power.days.working-days')}</option>
            <option value="every-day">{t('power.days.every-day')}</option>
          </select>
          <label className="small">
            {t('power.offAt')} <input type="time" value={powerOffAt} onChange={(e) => setPowerOffAt(e.target.value)} data-testid="power-off-at" />
          </label>
          <label className="small">
            {t('power.wakeAt')} <input type="time" value={wakeAt} onChange={(e) => setWakeAt(e.target.value)} data-testid="power-wake-at" />
          </label>
          <button
            className="btn btn-primary"
            disabled={!siteId || (!powerOffAt && !wakeAt) || create.isPending}
            onClick={() => create.mutate()}
            data-testid="power-add"
          >
            {t('power.add')}
          </button>
        </div>
      )}
      <DataTable<PowerSchedule>
        testId="power-list"
        rows={list.data ?? []}
        rowKey={(s) => s.id}
        empty={t('power.empty')}
        columns={[
          { key: 'site', header: t('hall.site'), render: (s) => (s.area ? `${lookups.siteName(s.siteId)} · ${s.area}` : lookups.siteName(s.siteId)) },
          { key: 'days', header: t('power.days'), render: (s) => t(`power.days.${s.days}`), width: 110 },
          { key: 'off', header: t('power.offAt'), render: (s) => s.powerOffAt ?? '—', width: 80 },
          { key: 'wake', header: t('power.wakeAt'), render: (s) => s.wakeAt ?? '—', width: 80 },
          {
            key: 'last',
            header: t('power.lastRun'),
            render: (s) => `${t('power.off')} ${s.lastPowerOffOn ?? '—'} · ${t('power.wake')} ${s.lastWakeOn ?? '—'}`,
          },
          {
            key: 'state',
            header: t('power.state'),
            render: (s) => <Badge tone={s.enabled ? 'ok' : 'muted'}>{s.enabled ? t('power.enabled') : t('power.disabled')}</Badge>,
            width: 80,
          },
          ...(canWrite
            ? [
                {
                  key: 'actions',
                  header: '',
                  width: 150,
                  render: (s: PowerSchedule) => (
                    <>
                      <button className="btn btn-small" onClick={() => toggle.mutate(s)}>
                        {s.enabled ? t('power.disable') : t('power.enable')}
                      </button>{' '}
                      <button
                        className="btn btn-small btn-danger"
                        onClick={async () => {
                          if (await feedback.confirm({ title: t('power.confirmDelete'), danger: true })) remove.mutate(s.id);
                        }}
                      >
                        {t('common.delete')}
                      </button>
                    </>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}
