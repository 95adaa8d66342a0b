import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { hallPlansApi, type HallPlan } from '../../api/hall-plans';
import { useFeedback } from '../../components/Feedback';
import { useI18n } from '../../i18n/i18n';

interface Props {
  siteId: string;
  /** '' for the whole site */
  area: string;
  areas: string[];
  plan: HallPlan | null;
  onArea: (area: string) => void;
  onDone: () => void;
}

/** Editing the floor plan: which area, upload (PNG/JPEG), delete, done. Dragging happens on the map. */
export function PlanToolbar({ siteId, area, areas, plan, onArea, onDone }: Props) {
  const { t } = useI18n();
  const feedback = useFeedback();
  const client = useQueryClient();
  const file = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: (f: File) => hallPlansApi.upload(siteId, area, f),
    onSuccess: () => {
      feedback.ok(t('plan.uploaded'));
      void client.invalidateQueries({ queryKey: ['hall-plans'] });
    },
    onError: (err) => feedback.error(err),
    onSettled: () => {
      if (file.current) file.current.value = '';
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => hallPlansApi.remove(id),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['hall-plans'] }),
    onError: (err) => feedback.error(err),
  });

  return (
    <div className="plan-toolbar inline-form" data-testid="plan-toolbar">
      <select value={area} onChange={(e) => onArea(e.target.value)} aria-label={t('plan.area')} data-testid="plan-area">
        <option value="">{t('plan.wholeSite')}</option>
        {areas.map((a) => (
          <option key={a} value={a}>
            {a}
          </option>
        ))}
      </select>
      <label className="btn">
        {plan ? t('plan.replace') : t('plan.upload')}
        <input
          ref={file}
          type="file"
          accept="image/png,image/jpeg"
          hidden
          data-testid="plan-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) upload.mutate(f);
          }}
        />
      </label>
      {plan && (
        <button
          type="button"
          className="btn btn-danger"
          data-testid="plan-delete"
          onClick={async () => {
            if (await feedback.confirm({ title: t('plan.confirmDelete'), body: t('plan.confirmDeleteBody'), danger: true })) remove.mutate(plan.id);
          }}
        >
          {t('plan.delete')}
        </button>
      )}
      <span className="muted small">{upload.isPending ? t('plan.uploading') : t('plan.help')}</span>
      <button type="button" className="btn btn-primary" onClick={onDone} data-testid="plan-done">
        {t('plan.done')}
      </button>
    </div>
  );
}
