import { useEffect, useState } from 'react';
import { isWindowApiError, type TerminalContext, type WindowApi, type WindowApiError } from '../api/window-api';

export type ContextState =
  | { kind: 'loading'; retryInSeconds: number | null }
  | { kind: 'ready'; context: TerminalContext }
  | { kind: 'refused'; error: WindowApiError };

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Where this terminal stands (site, window, department). The broker may be restarting at 8:25:
 * keep retrying quietly; a refused credential is final and shown as such.
 */
export function useTerminalContext(api: WindowApi | null): ContextState {
  const [state, setState] = useState<ContextState>({ kind: 'loading', retryInSeconds: null });
  useEffect(() => {
    if (!api) return;
    let cancelled = false;
    let timer: number | undefined;
    const load = async (attempt: number) => {
      try {
        const context = await api.context();
        if (!cancelled) setState({ kind: 'ready', context });
      } catch (error) {
        if (cancelled) return;
        if (isWindowApiError(error) && error.status === 401) return setState({ kind: 'refused', error });
        const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
        setState({ kind: 'loading', retryInSeconds: Math.round(wait / 1000) });
        timer = window.setTimeout(() => void load(attempt + 1), wait);
      }
    };
    void load(0);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [api]);
  return state;
}
