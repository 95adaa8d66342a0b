import { useEffect, useRef, useState } from 'react';
import type { RatingLevel } from '@yunzhuo/protocol/api/rating-words';
import { isWindowApiError, WindowApiError, type RatingCase, type RatingInvitation, type WindowApi } from '../api/window-api';
import { ErrorNotice } from '../app/ErrorNotice';
import { useI18n } from '../i18n/i18n';

/** How often the window asks whether the pad's citizen has rated, and how long the result stays, in ms. */
const POLL_MS = 1500;
const DONE_MS = 4000;

/**
 * With a rating pad at the counter the card is on the pad, not over the clerk's desktop: the
 * window invites (unless 结束服务 already did) and shows a notice until the citizen has rated.
 */
export function PadRatingNotice({
  api,
  sessionId,
  ratingCase,
  invitation: given,
  onClose,
  onRateHere,
}: {
  api: WindowApi;
  sessionId: string;
  ratingCase: RatingCase;
  invitation?: RatingInvitation | undefined;
  onClose(): void;
  /** the pad does not answer (switched off, out of reach): the card on the window's own screen instead */
  onRateHere(invitation: RatingInvitation): void;
}) {
  const { t } = useI18n();
  const [invitation, setInvitation] = useState<RatingInvitation | null>(given ?? null);
  const [level, setLevel] = useState<RatingLevel | null>(null);
  const [error, setError] = useState<WindowApiError | null>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    if (given) return;
    api
      .inviteRating(sessionId, ratingCase)
      .then(setInvitation, (e: unknown) => setError(isWindowApiError(e) ? e : new WindowApiError(0, 'NETWORK', String(e))));
    // one invitation per notice
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (!invitation || level !== null) return;
    const timer = window.setInterval(() => {
      api.invitationState(invitation.id).then(
        (s) => s.rated && setLevel(s.level as RatingLevel),
        () => undefined,
      );
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [api, invitation, level]);

  useEffect(() => {
    if (level === null) return;
    const timer = window.setTimeout(() => closeRef.current(), DONE_MS);
    return () => window.clearTimeout(timer);
  }, [level]);

  return (
    <div className="pad-notice" role="status" data-testid="pad-rating-notice" data-rated={level !== null}>
      {error ? <ErrorNotice error={error} /> : <span>{level !== null ? t('rating.onPadDone', { level: t(`rating.level.${level}`) }) : t('rating.onPad')}</span>}
      {invitation && level === null && (
        <button type="button" className="btn-secondary" data-testid="pad-rate-here" onClick={() => onRateHere(invitation)}>
          {t('rating.rateHere')}
        </button>
      )}
      <button type="button" className="btn-secondary" onClick={onClose}>
        {t('rating.close')}
      </button>
    </div>
  );
}
