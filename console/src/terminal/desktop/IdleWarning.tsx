import { useI18n } from '../i18n/i18n';

export function IdleWarning({ secondsLeft, onStay }: { secondsLeft: number; onStay(): void }) {
  const { t } = useI18n();
  return (
    <div className="modal-backdrop" data-keeps-focus>
      <div className="modal" role="alertdialog" aria-labelledby="idle-warn-title" data-testid="idle-warning">
        <h2 id="idle-warn-title">{t('idleWarn.title')}</h2>
        <p>{t('idleWarn.body', { seconds: secondsLeft })}</p>
        <button type="button" className="btn-primary" autoFocus onClick={onStay}>
          {t('idleWarn.stay')}
        </button>
      </div>
    </div>
  );
}
