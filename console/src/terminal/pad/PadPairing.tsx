import { useEffect, useState } from 'react';
import { isWindowApiError, WindowApiError } from '../api/window-api';
import { ErrorNotice } from '../app/ErrorNotice';
import { useI18n } from '../i18n/i18n';
import { padApi } from './pad-api';

/** The pad's first screen: the 8-digit code the window page shows. */
export function PadPairing({ onPaired }: { onPaired(credential: string): void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WindowApiError | null>(null);
  const pair = async (given = code) => {
    setBusy(true);
    setError(null);
    try {
      onPaired((await padApi.pair(given)).credential);
    } catch (e) {
      setError(isWindowApiError(e) ? e : new WindowApiError(0, 'NETWORK', String(e)));
    } finally {
      setBusy(false);
    }
  };
  // a tablet that scanned the window's QR code opens /pad#code=…: it pairs at once (the code leaves the address bar)
  useEffect(() => {
    const scanned = /(?:^#|&)code=(\d{8})(?:&|$)/.exec(location.hash)?.[1];
    if (!scanned) return;
    history.replaceState(null, '', location.pathname);
    setCode(scanned);
    void pair(scanned);
    // once, at the first screen
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <main className="pad-screen pad-pairing" data-testid="pad-pairing">
      <h1>{t('pad.pairTitle')}</h1>
      <p>{t('pad.pairHint')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (/^\d{8}$/.test(code)) void pair();
        }}
      >
        <input
          className="pad-code"
          data-testid="pad-code"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          aria-label={t('pad.pairCode')}
          placeholder={t('pad.pairCode')}
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
        />
        <button type="submit" className="btn-primary" data-testid="pad-pair" disabled={busy || !/^\d{8}$/.test(code)}>
          {busy ? t('pad.pairing') : t('pad.pair')}
        </button>
      </form>
      {error && <ErrorNotice error={error} testId="pad-error" />}
    </main>
  );
}
