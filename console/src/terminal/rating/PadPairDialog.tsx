import { useEffect, useState } from 'react';
import { isWindowApiError, WindowApiError, type PadPairingCode, type PairedPad, type WindowApi } from '../api/window-api';
import { ErrorNotice } from '../app/ErrorNotice';
import { useI18n } from '../i18n/i18n';

/** 评价器 in the bar: a pairing code for a pad at this counter, the pads paired, 解除配对. */
export function PadPairDialog({ api, onClose }: { api: WindowApi; onClose(pads: number): void }) {
  const { t } = useI18n();
  const [code, setCode] = useState<PadPairingCode | null>(null);
  const [pads, setPads] = useState<PairedPad[]>([]);
  const [error, setError] = useState<WindowApiError | null>(null);
  const fail = (e: unknown) => setError(isWindowApiError(e) ? e : new WindowApiError(0, 'NETWORK', String(e)));
  const refresh = () => api.pairedPads().then(setPads, fail);
  const newCode = () => api.padPairingCode().then(setCode, fail);
  useEffect(() => {
    void newCode();
    void refresh();
    // a pad that pairs while the code is up shows here
    const timer = window.setInterval(() => void refresh(), 2000);
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);
  const close = () => onClose(pads.length);
  const minutes = code ? Math.max(1, Math.round((Date.parse(code.expiresAt) - Date.now()) / 60_000)) : 5;

  return (
    <div className="modal-backdrop" data-keeps-focus onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="modal pad-pair-dialog" role="dialog" aria-labelledby="pad-pair-title" data-testid="pad-pair-dialog">
        <h2 id="pad-pair-title">{t('bar.padTitle')}</h2>
        <p>{t('bar.padCode', { url: `${location.origin}/pad` })}</p>
        <p className="pad-pair-code" data-testid="pad-pairing-code">
          {code?.code ?? '— — — —'}
        </p>
        {code && <img className="pad-pair-qr" src={code.qrDataUrl} alt={t('bar.padQr')} width={160} height={160} data-testid="pad-pairing-qr" />}
        <p className="pad-pair-hint">{t('bar.padExpires', { minutes })}</p>
        <p data-testid="pad-paired-count">{t('bar.padPaired', { count: pads.length })}</p>
        <ul className="pad-pair-list">
          {pads.map((pad) => (
            <li key={pad.id}>
              {pad.pairedAt ? new Date(pad.pairedAt).toLocaleString() : ''}
              <button type="button" className="btn-secondary" data-testid="pad-unpair" onClick={() => void api.unpairPad(pad.id).then(refresh, fail)}>
                {t('bar.padUnpair')}
              </button>
            </li>
          ))}
        </ul>
        {error && <ErrorNotice error={error} />}
        <footer className="rating-footer">
          <button type="button" className="btn-secondary" onClick={() => void newCode()}>
            {t('bar.padNewCode')}
          </button>
          <button type="button" className="btn-primary" data-testid="pad-pair-close" onClick={close}>
            {t('bar.padClose')}
          </button>
        </footer>
      </div>
    </div>
  );
}
