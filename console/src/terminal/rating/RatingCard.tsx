import { useEffect, useRef, useState } from 'react';
import { isBadLevel, RATING_LEVELS, type RatingLevel } from '@yunzhuo/protocol/api/rating-words';
import type { RatingCase, RatingInvitation, WindowApi } from '../api/window-api';
import { ErrorNotice } from '../app/ErrorNotice';
import { useI18n } from '../i18n/i18n';
import { RatingFace } from './RatingFace';
import { RatingDetails, type Details } from './RatingDetails';
import { useRating } from './use-rating';

/** The card closes by itself after this long without a touch, in ms; the thanks after THANKS_MS. */
const IDLE_CLOSE_MS = 60_000;
const THANKS_MS = 4_000;

/**
 * The citizen's card by the national rules: five levels (非常满意 … 非常不满意), then the tags
 * of that level, optional words, real-name or anonymous, and 提交评价. Gone by itself.
 */
export function RatingCard({
  api,
  sessionId,
  ratingCase = {},
  invitation,
  onClose,
}: {
  api: WindowApi;
  sessionId: string;
  ratingCase?: RatingCase;
  /** made by 结束服务 (排队叫号) */
  invitation?: RatingInvitation | undefined;
  onClose(): void;
}) {
  const { t } = useI18n();
  const { step, submit, pick } = useRating(api, sessionId, ratingCase, invitation);
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

  const touch = () => setTouchedAt(Date.now());
  const choose = (level: RatingLevel) => {
    if (step.kind !== 'choosing') return;
    touch();
    pick(step.invitation, level);
  };
  const send = (details: Details) => {
    if (step.kind !== 'choosing' || step.level === null) return;
    void submit({
      invitationId: step.invitation.id,
      level: step.level,
      tagSetVersion: step.invitation.tagSet.version,
      ...(details.tags.length ? { tags: details.tags } : {}),
      ...(details.comment.trim() ? { comment: details.comment.trim() } : {}),
      ...(details.rater ? { rater: details.rater } : {}),
    });
  };

  return (
    <div className="modal-backdrop rating-backdrop" data-keeps-focus onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <section className="rating-card" role="dialog" aria-labelledby="rating-title" data-testid="rating-card" data-step={step.kind}>
        {step.kind === 'thanks' ? (
          <p className="rating-thanks" role="status" data-testid="rating-thanks">
            {t('rating.thanks')}
          </p>
        ) : step.kind === 'error' ? (
          <ErrorNotice error={step.error} testId="rating-error" />
        ) : (
          <>
            <h2 id="rating-title">{t('rating.title')}</h2>
            <div className="rating-scores">
              {RATING_LEVELS.map((level, i) => (
                <button
                  key={level}
                  type="button"
                  className={`rating-score rating-level-${level}`}
                  aria-pressed={step.kind === 'choosing' && step.level === level}
                  disabled={step.kind !== 'choosing'}
                  autoFocus={i === 0}
                  data-level={level}
                  onClick={() => choose(level)}
                >
                  <RatingFace level={level} />
                  {t(`rating.level.${level}`)}
                </button>
              ))}
            </div>
            {step.kind === 'choosing' && step.level !== null && (
              <RatingDetails
                key={step.level}
                tags={step.invitation.tagSet.tags.filter((tag) => tag.level === step.level)}
                bad={isBadLevel(step.level)}
                onTouch={touch}
                onSubmit={send}
              />
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
