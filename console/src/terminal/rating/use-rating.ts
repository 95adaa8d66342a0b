import { useCallback, useEffect, useState } from 'react';
import type { RatingLevel } from '@yunzhuo/protocol/api/rating-words';
import { isWindowApiError, WindowApiError, type RatingCase, type RatingInvitation, type RatingSubmission, type WindowApi } from '../api/window-api';

export type RatingStep =
  | { kind: 'inviting' }
  | { kind: 'choosing'; invitation: RatingInvitation; level: RatingLevel | null }
  | { kind: 'submitting' }
  | { kind: 'thanks' }
  | { kind: 'error'; error: WindowApiError };

const asApiError = (e: unknown) => (isWindowApiError(e) ? e : new WindowApiError(0, 'NETWORK', String(e)));

/**
 * 请评价: an invitation for the session on screen (with the case entered at the bar), then one
 * submit. `given`: the invitation 结束服务 already made (排队叫号), so none is asked for.
 */
export function useRating(api: WindowApi, sessionId: string, ratingCase: RatingCase, given?: RatingInvitation) {
  const [step, setStep] = useState<RatingStep>(given ? { kind: 'choosing', invitation: given, level: null } : { kind: 'inviting' });
  const { caseNumber, itemCode } = ratingCase;
  useEffect(() => {
    if (given) return;
    let cancelled = false;
    api.inviteRating(sessionId, { ...(caseNumber ? { caseNumber } : {}), ...(itemCode ? { itemCode } : {}) }).then(
      (invitation) => !cancelled && setStep({ kind: 'choosing', invitation, level: null }),
      (error: unknown) => !cancelled && setStep({ kind: 'error', error: asApiError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, sessionId, caseNumber, itemCode, given]);

  const submit = useCallback(
    async (submission: RatingSubmission) => {
      setStep({ kind: 'submitting' });
      try {
        await api.submitRating(submission);
        setStep({ kind: 'thanks' });
      } catch (error) {
        setStep({ kind: 'error', error: asApiError(error) });
      }
    },
    [api],
  );
  const pick = useCallback((invitation: RatingInvitation, level: RatingLevel) => setStep({ kind: 'choosing', invitation, level }), []);
  return { step, submit, pick };
}
