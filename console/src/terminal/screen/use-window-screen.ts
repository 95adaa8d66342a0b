import { useEffect, useRef, useState } from 'react';
import { WINDOW_SCREEN_FRAGMENT, windowScreenMessage, type WindowScreenMessage } from '@yunzhuo/protocol/agent/window-screen';
import { loadLoopbackAddress } from '../devices/device-bridge-address';

type Notice = Extract<WindowScreenMessage, { type: 'notice' }>;
export interface WindowScreenState {
  notices: Notice[];
  locked: boolean;
  /** the last binding the agent announced, with a counter so the same window twice still counts */
  bound: { windowId: string | null; seq: number } | null;
}

const RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000];

/** read once, before the credential loader wipes the fragment */
export function loadWindowScreenAddress() {
  return loadLoopbackAddress(WINDOW_SCREEN_FRAGMENT);
}

/**
 * The agent's screen channel (issue 17): an admin's notice, a lock, a new window binding. Each
 * message is answered `shown` once the page has drawn it, so the console's 成功 is true.
 */
export function useWindowScreen(address: { url: string } | null): WindowScreenState & { dismiss(id: string): void } {
  const [state, setState] = useState<WindowScreenState>({ notices: [], locked: false, bound: null });
  const [toAck, setToAck] = useState<string[]>([]);
  const socket = useRef<WebSocket | null>(null);

  useEffect(() => {
    if (!address) return;
    let stopped = false;
    let attempt = 0;
    let timer: number | undefined;
    const connect = () => {
      const ws = new WebSocket(address.url);
      socket.current = ws;
      ws.onopen = () => (attempt = 0);
      ws.onmessage = (event) => {
        let raw: unknown = null;
        try {
          raw = JSON.parse(String(event.data));
        } catch {
          return;
        }
        const parsed = windowScreenMessage.safeParse(raw);
        if (!parsed.success) return;
        const m = parsed.data;
        setState((s) => {
          if (m.type === 'notice') return { ...s, notices: [...s.notices.filter((n) => n.id !== m.id), m].slice(-3) };
          if (m.type === 'lock') return { ...s, locked: true };
          if (m.type === 'unlock') return { ...s, locked: false };
          return { ...s, bound: { windowId: m.windowId, seq: (s.bound?.seq ?? 0) + 1 } };
        });
        setToAck((ids) => [...ids, m.id]);
      };
      ws.onclose = () => {
        if (socket.current === ws) socket.current = null;
        if (stopped) return;
        timer = window.setTimeout(connect, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      socket.current?.close();
    };
  }, [address]);

  // after the render that drew them: now the clerk can see them
  useEffect(() => {
    if (toAck.length === 0) return;
    const ws = socket.current;
    if (ws && ws.readyState === WebSocket.OPEN) for (const id of toAck) ws.send(JSON.stringify({ type: 'shown', id }));
    setToAck([]);
  }, [toAck]);

  // a notice with a duration leaves on its own
  useEffect(() => {
    const timers = state.notices
      .filter((n) => n.durationSeconds > 0)
      .map((n) => window.setTimeout(() => setState((s) => ({ ...s, notices: s.notices.filter((x) => x.id !== n.id) })), n.durationSeconds * 1000));
    return () => timers.forEach((t) => window.clearTimeout(t));
  }, [state.notices]);

  const dismiss = (id: string) => setState((s) => ({ ...s, notices: s.notices.filter((n) => n.id !== id) }));
  return { ...state, dismiss };
}
