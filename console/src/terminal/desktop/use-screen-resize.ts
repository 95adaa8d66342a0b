import { useEffect, type RefObject } from 'react';
import type { DesktopConnection, ScreenSize } from '../guac/desktop-connection';

/** Wait for the monitor to settle before asking the desktops to resize, in ms. */
const SETTLE_MS = 400;

/** A new monitor or resolution: every held desktop is asked for the new size (`size` instruction). */
export function useScreenResize(screen: () => ScreenSize, connections: RefObject<Map<string, DesktopConnection>>): void {
  useEffect(() => {
    let timer: number | undefined;
    let last = screen();
    const settle = () => {
      const next = screen();
      if (next.width === last.width && next.height === last.height && next.dpi === last.dpi) return;
      last = next;
      for (const connection of connections.current.values()) connection.sendSize(next);
    };
    const onResize = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(settle, SETTLE_MS);
    };
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      window.clearTimeout(timer);
    };
  }, [screen, connections]);
}
