import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { keysFor } from './invalidation';
import { LiveSocket, liveEventsUrl, type LiveEvent, type LiveStatus } from './live-socket';

/** Events arriving within this window are folded into one refetch per key (the 8:30 rush). */
const BATCH_MS = 120;
/** Without a live feed, views that must stay current poll at this interval instead. */
export const FALLBACK_POLL_MS = 5_000;

interface Live {
  status: LiveStatus;
  /** refetchInterval for views that must stay current: false while the socket is open */
  pollInterval: number | false;
  /** recent events, newest first (for the activity ticker) */
  recent: LiveEvent[];
}

const LiveContext = createContext<Live>({ status: 'connecting', pollInterval: FALLBACK_POLL_MS, recent: [] });

/** `enabled: false`: no socket (a department reviewer may not open the live feed; its page polls) */
export function LiveEventsProvider({ children, enabled = true }: { children: ReactNode; enabled?: boolean }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [recent, setRecent] = useState<LiveEvent[]>([]);
  const pending = useRef(new Map<string, readonly string[]>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (!enabled) return;
    const flush = () => {
      timer.current = null;
      const keys = [...pending.current.values()];
      pending.current.clear();
      for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
    };
    const socket = new LiveSocket(
      liveEventsUrl(),
      (event) => {
        if (event.type === 'hello') return;
        for (const key of keysFor(event)) pending.current.set(key.join('\u0000'), key);
        if (!timer.current) timer.current = setTimeout(flush, BATCH_MS);
        setRecent((list) => [event, ...list].slice(0, 30));
      },
      (next) => {
        setStatus(next);
        // whatever happened while the feed was down is unknown: refresh what is on screen
        if (next === 'open' && wasOpen.current) void queryClient.invalidateQueries();
        if (next === 'open') wasOpen.current = true;
      },
    );
    socket.start();
    return () => {
      socket.stop();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [queryClient, enabled]);

  const value: Live = { status, pollInterval: status === 'open' ? false : FALLBACK_POLL_MS, recent };
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export const useLive = (): Live => useContext(LiveContext);
