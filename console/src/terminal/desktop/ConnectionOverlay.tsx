import { useEffect } from 'react';
import type { ConnectionPhase } from '../guac/desktop-connection';
import { relayText } from '../guac/trouble';
import { useI18n } from '../i18n/i18n';

/** A failed desktop returns to the login screen by itself after this long, in ms. */
const AUTO_DISMISS_MS = 30_000;

/**
 * Calm words over the desktop: opening, a reconnect in progress (the old picture stays under
 * it), or — after the retries — what is wrong, with the way back to the login screen.
 */
export function ConnectionOverlay({ phase, onRetry, onDismiss }: { phase: ConnectionPhase; onRetry(): void; onDismiss(): void }) {
  const { t, lang } = useI18n();
  const failed = phase.kind === 'failed';
  useEffect(() => {
    if (!failed) return;
    const timer = window.setTimeout(onDismiss, AUTO_DISMISS_MS);
    return () => window.clearTimeout(timer);
  }, [failed, onDismiss]);

  if (phase.kind === 'live') {
    return phase.unstable ? (
      <div className="net-banner" role="status">
        {t('desktop.unstable')}
      </div>
    ) : null;
  }
  if (phase.kind === 'closed') return null;
  if (phase.kind === 'connecting' && phase.attempt === 0) {
    return (
      <div className="overlay overlay-opaque" role="status" data-testid="desktop-connecting">
        <div className="spinner" aria-hidden="true" />
        <p className="overlay-title">{t('desktop.connecting')}</p>
      </div>
    );
  }
  if (phase.kind === 'connecting' || phase.kind === 'waiting') {
    return (
      <div className="overlay overlay-calm" role="status" data-testid="desktop-reconnecting">
        <div className="spinner" aria-hidden="true" />
        <p className="overlay-title">{t('desktop.reconnecting')}</p>
        <p className="overlay-detail">{t('desktop.reconnectingAttempt', { attempt: phase.attempt })}</p>
      </div>
    );
  }
  const { trouble } = phase;
  const headline = t(`trouble.${trouble.kind}`);
  // the relay's own words, unless they only repeat the headline
  const detail = trouble.message ? relayText(trouble.message, lang) : null;
  return (
    <div className="overlay overlay-opaque" role="alert" data-testid="desktop-trouble" data-trouble={trouble.kind}>
      <p className="overlay-title">{headline}</p>
      {detail && !headline.includes(detail) && <p className="overlay-detail">{detail}</p>}
      {trouble.code && (
        <p className="notice-code">
          {t('error.code')} {trouble.code}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn-primary" autoFocus onClick={onDismiss} data-testid="trouble-to-login">
          {t('desktop.toLogin')}
        </button>
        {!trouble.final && (
          <button type="button" className="btn-secondary" onClick={onRetry}>
            {t('desktop.retry')}
          </button>
        )}
      </div>
    </div>
  );
}
