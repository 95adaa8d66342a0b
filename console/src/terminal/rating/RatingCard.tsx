import { useEffect, useRef, useState } from 'react';
import { BAD_RATING_REASONS, type RatingScore } from '@yunzhuo/protocol/api/rating-words';
import type { WindowApi } from '../api/window-api';
import { ErrorNotice } from '../app/ErrorNotice';
import { useI18n } from '../i18n/i18n';
import { RatingFace } from './RatingFace';
import { useRating } from './use-rating';

/** The card closes by itself after this long without a touch, in ms; the thanks after THANKS_MS. */
const IDLE_CLOSE_MS = 60_000;
const THANKS_MS = 4_000;
const SCORES: RatingScore[] = ['good', 'neutral', 'bad'];

/** The citizen's 好评 / 中评 / 差评 card: large, one touch, reasons only for 差评, gone by itself. */
export function RatingCard({ api, sessionId, onClose }: { api: WindowApi; sessionId: string; onClose(): void }) {
  const { t } = useI18n();
  const { step, submit, pickBad } = useRating(api, sessionId);
  const [reasons, setReasons] = useState<string[]>([]);
  const [touchedAt, setTouchedAt] = useState(() => Date.now());
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const done = step.kind === 'thanks' || step.kind === 'error';
  const [secondsLeft, setSecondsLeft] = useState(Math.round(IDLE_CLOSE_MS / 1000));

  useEffect(() => {
    const limit = done ? THANKS_MS : IDLE_CLOSE_MS;
    const started = done ? Date.now() : touchedAt;
    const tick = () => {
      const left = limit - (Date.now() - started);
      if (left <= 0) closeRef.current();
      else setSecondsLeft(Math.ceil(left / 1000));
    };
    tick();
    const timer = window.setInterval(tick, 250);
    return () => window.clearInterval(timer);
  }, [done, touchedAt]);

  const choose = (score: RatingScore) => {
    if (step.kind !== 'choosing') return;
    setTouchedAt(Date.now());
    if (score === 'bad') pickBad(step.invitationId);
    else void submit(step.invitationId, score, []);
  };
  const toggleReason = (reason: string) => {
    setTouchedAt(Date.now());
    setReasons((current) => (current.includes(reason) ? current.filter((r) => r !== reason) : [...current, reason]));
  };

  return (
    <div className="modal-backdrop rating-backdrop" data-keeps-focus onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <section className="rating-card" role="dialog" aria-labelledby="rating-title" data-testid="rating-card" data-step={step.kind}>
        {step.kind === 'thanks' ? (
          <p className="rating-thanks" role="status" data-testid="rating-thanks">{t('rating.thanks')}</p>
        ) : step.kind === 'error' ? (
          <ErrorNotice error={step.error} testId="rating-error" />
        ) : (
          <>
            <h2 id="rating-title">{t('rating.title')}</h2>
            <div className="rating-scores">
              {SCORES.map((score, i) => (
                <button
                  key={score}
                  type="button"
                  className={`rating-score rating-${score}`}
                  aria-pressed={step.kind === 'choosing' && step.score === score}
                  disabled={step.kind !== 'choosing'}
                  autoFocus={i === 0}
                  data-score={score}
                  onClick={() => choose(score)}
                >
                  <RatingFace score={score} />
                  {t(`rating.${score}`)}
                </button>
              ))}
            </div>
            {step.kind === 'choosing' && step.score === 'bad' && (
              <div className="rating-reasons" data-testid="rating-reasons">
                <h3>{t('rating.reasonsTitle')}</h3>
                {BAD_RATING_REASONS.map((reason) => (
                  <button key={reason} type="button" className="rating-reason" aria-pressed={reasons.includes(reason)} data-reason={reason} onClick={() => toggleReason(reason)}>
                    {t(`reason.${reason}`)}
                  </button>
                ))}
                <button type="button" className="btn-primary" data-testid="rating-submit" onClick={() => void submit(step.invitationId, 'bad', reasons)}>
                  {t('rating.submit')}
                </button>
              </div>
            )}
          </>
        )}
        <footer className="rating-footer">
          <span>{t('rating.closesIn', { seconds: secondsLeft })}</span>
          <button type="button" className="btn-secondary" onClick={onClose}>
            {t('rating.close')}
          </button>
        </footer>
      </section>
    </div>
  );
}
