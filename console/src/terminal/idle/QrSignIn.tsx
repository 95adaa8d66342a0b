import { ErrorNotice } from '../app/ErrorNotice';
import { useI18n } from '../i18n/i18n';
import type { QrView } from './use-qr-sign-in';

/** The QR code a clerk scans with the provincial app, its countdown, and the way back to the form. */
export function QrSignIn({ name, view, onBack }: { name: string; view: QrView; onBack(): void }) {
  const { t } = useI18n();
  return (
    <div className="qr-sign-in" data-testid="qr-sign-in">
      <p className="qr-hint">{t('login.qrHint', { name })}</p>
      {view.qrDataUrl ? (
        <img className="qr-code" src={view.qrDataUrl} alt={t('login.qrAlt')} data-testid="qr-code" width={240} height={240} />
      ) : (
        <div className="qr-code qr-loading">{t('login.qrLoading')}</div>
      )}
      <p className="qr-state" data-testid="qr-state">
        {view.scanned ? t('login.qrScanned') : view.qrDataUrl ? t('login.qrCountdown', { seconds: view.secondsLeft }) : ''}
      </p>
      {view.error && <ErrorNotice error={view.error} testId="qr-error" />}
      <div className="form-actions">
        <button type="button" className="btn-secondary" onClick={onBack} data-testid="qr-back">
          {t('login.qrBack')}
        </button>
      </div>
    </div>
  );
}
