import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { RATING_LEVELS } from '@yunzhuo/protocol/api/rating-words';
import { followUpApi, followUpQueries, type WorkOrder, type WorkOrderStep } from '../../api/rating-follow-up';
import { Badge } from '../../components/Badge';
import { Drawer } from '../../components/Drawer';
import { useFeedback } from '../../components/Feedback';
import { QueryView } from '../../components/QueryView';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { formatDateTime } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { STATE_TONE } from './WorkOrdersPage';
import { formatDeadline } from './deadline';

type StepName = WorkOrderStep['step'];

/** the steps a state allows (docs/RATINGS.md); 复核 is the county's alone */
function stepsFor(o: WorkOrder, countyAdmin: boolean): StepName[] {
  const steps: StepName[] = [];
  if (o.state === 'open') steps.push('visit');
  if (o.state === 'open' || o.state === 'visited') steps.push('rectify');
  if ((o.state === 'open' || o.state === 'visited') && !o.appealedAt) steps.push('appeal');
  if (o.state === 'appealed' && countyAdmin) steps.push('review');
  if ((o.state === 'visited' || o.state === 'rectified') && !o.followUpAt) steps.push('follow-up');
  return steps;
}

const STEP_LABEL: Record<StepName, MessageKey> = {
  visit: 'wo.step.visit',
  rectify: 'wo.step.rectify',
  appeal: 'wo.step.appeal',
  review: 'wo.step.review',
  'follow-up': 'wo.step.followUp',
};

/** One 差评工单: the rating, the deadlines (working days), what has been done, and the next step. */
export function WorkOrderDrawer({ id, onClose }: { id: string; onClose(): void }) {
  const { t } = useI18n();
  const order = useQuery(followUpQueries.workOrder(id));
  return (
    <Drawer title={t('wo.detail')} onClose={onClose} width={560} testId="wo-drawer">
      <QueryView query={order}>{(o) => <WorkOrderBody order={o} />}</QueryView>
    </Drawer>
  );
}

function WorkOrderBody({ order: o }: { order: WorkOrder }) {
  const { t } = useI18n();
  const auth = useAuth();
  const mayAct = auth.roles.some((r) => r === 'admin' || r === 'site-admin' || r === 'department-reviewer');
  const steps = mayAct ? stepsFor(o, auth.isCountyAdmin) : [];
  const [step, setStep] = useState<StepName | null>(null);
  const row = (label: MessageKey, value: ReactNode) => (
    <>
      <span>{t(label)}</span>
      <span>{value ?? '—'}</span>
    </>
  );
  const when = (at: string | null, note?: string | null) => (at ? `${formatDateTime(at)}${note ? ` · ${note}` : ''}` : null);
  return (
    <div data-testid="wo-detail" data-state={o.state}>
      <div className="kv">
        {row('wo.state', <Badge tone={STATE_TONE[o.state]}>{t(`wo.state.${o.state}`)}</Badge>)}
        {row('wo.level', t(`rating.level.${o.level}`))}
        {row('wo.tags', o.tagLabels.join('、') || null)}
        {row('wo.caseNumber', o.caseNumber)}
        {row('wo.itemCode', o.itemCode)}
        {row('wo.window', o.names.window)}
        {row('wo.clerk', o.names.clerk)}
        {row('wo.department', o.names.department)}
        {row('wo.site', o.names.site)}
        {row('common.createdAt', formatDateTime(o.createdAt))}
        {row(
          'wo.visitDue',
          <span data-testid="wo-visit-due" data-at={o.visitDueAt}>
            {formatDeadline(o.visitDueAt)} {o.visitOverdue && <Badge tone="bad">{t('wo.overdue')}</Badge>}
          </span>,
        )}
        {row(
          'wo.rectifyDue',
          <span data-testid="wo-rectify-due" data-at={o.rectifyDueAt}>
            {formatDeadline(o.rectifyDueAt)} {o.rectifyOverdue && <Badge tone="bad">{t('wo.overdue')}</Badge>}
          </span>,
        )}
        {row('wo.step.visit', when(o.visitedAt, o.visitNote))}
        {row('wo.step.rectify', when(o.rectifiedAt, o.rectifyNote))}
        {row('wo.step.appeal', when(o.appealedAt, o.appealReason))}
        {row('wo.step.review', o.reviewedAt ? `${when(o.reviewedAt, o.reviewNote)} · ${t(`wo.decision.${o.reviewDecision ?? 'keep'}`)}` : null)}
        {row(
          'wo.step.followUp',
          o.followUpAt ? `${when(o.followUpAt, o.followUpComment)} · ${o.followUpLevel ? t(`rating.level.${o.followUpLevel}`) : ''}` : null,
        )}
      </div>
      <p className="field-help">{t('wo.workingDaysNote')}</p>
      {steps.length > 0 && (
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          {steps.map((s) => (
            <button key={s} className={step === s ? 'btn btn-primary' : 'btn'} data-testid={`wo-step-${s}`} onClick={() => setStep(s)}>
              {t(STEP_LABEL[s])}
            </button>
          ))}
        </div>
      )}
      {step && <StepForm key={step} order={o} step={step} onDone={() => setStep(null)} />}
    </div>
  );
}

/** 回访 / 整改 (a note), 申诉 (a reason), 复核 (exclude or keep, a note), 追评 (a level, words) */
function StepForm({ order, step, onDone }: { order: WorkOrder; step: StepName; onDone(): void }) {
  const { t } = useI18n();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [decision, setDecision] = useState<'exclude' | 'keep'>('keep');
  const [level, setLevel] = useState(3);
  const [busy, setBusy] = useState(false);
  const body = (): WorkOrderStep => {
    if (step === 'appeal') return { step, reason: text.trim() };
    if (step === 'review') return { step, decision, note: text.trim() };
    if (step === 'follow-up') return { step, level, ...(text.trim() ? { comment: text.trim() } : {}) };
    return { step, note: text.trim() };
  };
  const send = async () => {
    setBusy(true);
    try {
      await followUpApi.step(order.id, body());
      feedback.ok(t('wo.stepDone'));
      await queryClient.invalidateQueries({ queryKey: ['rating-work-orders'] });
      onDone();
    } catch (err) {
      feedback.error(err);
    } finally {
      setBusy(false);
    }
  };
  const needsText = step !== 'follow-up';
  return (
    <form
      className="entity-form"
      data-testid="wo-step-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {step === 'review' && (
        <label className="field">
          <span className="field-label">{t('wo.decision')}</span>
          <select data-testid="wo-decision" value={decision} onChange={(e) => setDecision(e.target.value as 'exclude' | 'keep')}>
            <option value="keep">{t('wo.decision.keep')}</option>
            <option value="exclude">{t('wo.decision.exclude')}</option>
          </select>
        </label>
      )}
      {step === 'follow-up' && (
        <label className="field">
          <span className="field-label">{t('wo.followUpLevel')}</span>
          <select data-testid="wo-follow-up-level" value={level} onChange={(e) => setLevel(Number(e.target.value))}>
            {RATING_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`rating.level.${l}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field">
        <span className="field-label">{t(step === 'appeal' ? 'wo.reason' : step === 'follow-up' ? 'wo.comment' : 'wo.note')}</span>
        <textarea data-testid="wo-step-text" rows={3} maxLength={step === 'follow-up' ? 300 : 500} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="wo-step-submit" disabled={busy || (needsText && !text.trim())}>
          {t('common.confirm')}
        </button>
      </div>
    </form>
  );
}
