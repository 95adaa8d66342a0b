import { useCallback, useEffect, useState } from 'react';
import type { RatingScore } from '@yunzhuo/protocol/api/rating-words';
import { isWindowApiError, WindowApiError, type WindowApi } from '../api/window-api';

export type RatingStep =
  | { kind: 'inviting' }
  | { kind: 'choosing'; invitationId: string; score: RatingScore | null }
  | { kind: 'submitting' }
  | { kind: 'thanks' }
  | { kind: 'error'; error: WindowApiError };

const asApiError = (e: unknown) => (isWindowApiError(e) ? e : new WindowApiError(0, 'NETWORK', String(e)));

/** 请评价: an invitation for the session on screen, then one submit. */
export function useRating(api: WindowApi, sessionId: string) {
  const [step, setStep] = useState<RatingStep>({ kind: 'inviting' });
  useEffect(() => {
    let cancelled = false;
    api.inviteRating(sessionId).then(
      (invitation) => !cancelled && setStep({ kind: 'choosing', invitationId: invitation.id, score: null }),
      (error: unknown) => !cancelled && setStep({ kind: 'error', error: asApiError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, sessionId]);

  const submit = useCallback(
    async (invitationId: string, score: RatingScore, reasons: string[]) => {
      setStep({ kind: 'submitting' });
      try {
        await api.submitRating(invitationId, score, reasons);
        setStep({ kind: 'thanks' });
      } catch (error) {
        setStep({ kind: 'error', error: asApiError(error) });
      }
    },
    [api],
  );
  const pickBad = useCallback((invitationId: string) => setStep({ kind: 'choosing', invitationId, score: 'bad' }), []);
  return { step, submit, pickBad };
}
