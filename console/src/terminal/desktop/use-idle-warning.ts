import { useEffect, useRef, useState } from 'react';

/** The warning shows this long before the pool's idle limit (or half the limit if shorter), in ms. */
const WARN_BEFORE_MS = 60_000;

/**
 * Counts down to the smallest idle limit of the held desktops (seconds; 0 = none) from the
 * clerk's last key, click or touch on this page. Returns the seconds left while warning.
 */
export function useIdleWarning(idleSeconds: number, onExpired: () => void): { secondsLeft: number | null; stay(): void } {
  const lastActivity = useRef(Date.now());
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const expired = useRef(onExpired);
  expired.current = onExpired;

  useEffect(() => {
    if (idleSeconds <= 0) return;
    const limitMs = idleSeconds * 1000;
    const warnAtMs = limitMs - Math.min(WARN_BEFORE_MS, limitMs / 2);
    const touch = () => {
      lastActivity.current = Date.now();
    };
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;
    for (const type of events) document.addEventListener(type, touch, { capture: true, passive: true });
    lastActivity.current = Date.now();
    const timer = window.setInterval(() => {
      const idle = Date.now() - lastActivity.current;
      if (idle >= limitMs) {
        setSecondsLeft(null);
        expired.current();
      } else if (idle >= warnAtMs) {
        setSecondsLeft(Math.ceil((limitMs - idle) / 1000));
      } else {
        setSecondsLeft(null);
      }
    }, 500);
    return () => {
      window.clearInterval(timer);
      for (const type of events) document.removeEventListener(type, touch, { capture: true });
    };
  }, [idleSeconds]);

  return {
    secondsLeft,
    stay: () => {
      lastActivity.current = Date.now();
      setSecondsLeft(null);
    },
  };
}
