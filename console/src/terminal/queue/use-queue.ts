import { useCallback, useEffect, useState } from 'react';
import { isWindowApiError, WindowApiError, type QueueFinish, type QueueTicket, type RatingCase, type WindowApi } from '../api/window-api';

export interface QueueView {
  enabled: boolean;
  ticket: QueueTicket | null;
  /** 暂停叫号 since (ISO), null while calling */
  pausedAt: string | null;
  busy: boolean;
  /** what the last step said: nobody waits, or the broker's / queue system's error */
  notice: { kind: 'empty' } | { kind: 'error'; error: WindowApiError } | null;
}

const asApiError = (e: unknown) => (isWindowApiError(e) ? e : new WindowApiError(0, 'NETWORK', String(e)));

/** 排队叫号 for the session on screen: one step at a time, the number served here kept in view. */
export function useQueue(api: WindowApi, sessionId: string) {
  const [view, setView] = useState<QueueView>({ enabled: false, ticket: null, pausedAt: null, busy: false, notice: null });
  useEffect(() => {
    let cancelled = false;
    api.queueState(sessionId).then(
      (s) => !cancelled && setView((v) => ({ ...v, enabled: s.enabled, ticket: s.ticket, pausedAt: s.paused?.pausedAt ?? null })),
      // no queue bar rather than a broken one: the rest of the page works without it
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api, sessionId]);

  const run = useCallback(async <T>(work: () => Promise<T>, after: (result: T) => Partial<QueueView>): Promise<T | null> => {
    setView((v) => ({ ...v, busy: true, notice: null }));
    try {
      const result = await work();
      setView((v) => ({ ...v, busy: false, ...after(result) }));
      return result;
    } catch (error) {
      setView((v) => ({ ...v, busy: false, notice: { kind: 'error', error: asApiError(error) } }));
      return null;
    }
  }, []);

  const call = () =>
    run(
      () => api.queueCall(sessionId),
      (ticket) => ({ ticket, notice: ticket ? null : { kind: 'empty' } }),
    );
  const recall = () =>
    run(
      () => api.queueStep('recall', sessionId),
      (ticket) => ({ ticket }),
    );
  const skip = () =>
    run(
      () => api.queueStep('skip', sessionId),
      () => ({ ticket: null }),
    );
  const transfer = (target: string) =>
    run(
      () => api.queueStep('transfer', sessionId, target),
      () => ({ ticket: null }),
    );
  const finish = (ratingCase: RatingCase): Promise<QueueFinish | null> =>
    run(
      () => api.queueFinish(sessionId, ratingCase),
      () => ({ ticket: null }),
    );
  const setPaused = (paused: boolean) =>
    run(
      () => api.queuePause(sessionId, paused),
      (pause) => ({ pausedAt: pause?.pausedAt ?? null }),
    );
  return { view, call, recall, skip, transfer, finish, setPaused };
}
