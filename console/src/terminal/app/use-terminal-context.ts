import { useEffect, useState } from 'react';
import { isWindowApiError, type TerminalContext, type WindowApi, type WindowApiError } from '../api/window-api';

export type ContextState =
  { kind: 'loading'; retryInSeconds: number | null } | { kind: 'ready'; context: TerminalContext } | { kind: 'refused'; error: WindowApiError };

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/** after a binding: up to 20 reads, 250 ms apart (the broker records it well within that) */
const BOUND_TRIES = 20;
const BOUND_RETRY_MS = 250;

/**
 * Where this terminal stands (site, window, department). The broker may be restarting at 8:25:
 * keep retrying quietly; a refused credential is final and shown as such.
 */
export function useTerminalContext(api: WindowApi | null, bound: { windowId: string | null; seq: number } | null = null): ContextState {
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

  // the agent announced a new binding: read the context again until the broker has recorded it
  // (the broker stores it once the agent has answered, a moment after the page heard of it)
  useEffect(() => {
    if (!api || !bound) return;
    let cancelled = false;
    let timer: number | undefined;
    const reload = async (attempt: number) => {
      const context = await api.context().catch(() => null);
      if (cancelled) return;
      if (context) setState({ kind: 'ready', context });
      if ((context?.window?.id ?? null) === bound.windowId || attempt >= BOUND_TRIES) return;
      timer = window.setTimeout(() => void reload(attempt + 1), BOUND_RETRY_MS);
    };
    void reload(0);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [api, bound]);
  return state;
}
