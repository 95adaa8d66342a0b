import { useCallback, useRef } from 'react';
import { clipboardAllows, type HeldDesktop } from '../app/held-desktops';
import type { DesktopConnection } from '../guac/desktop-connection';

/** Only when already granted (the kiosk policy may grant it): never a permission prompt at a window. */
async function clipboardReadable(): Promise<boolean> {
  try {
    const status = await navigator.permissions.query({ name: 'clipboard-read' as PermissionName });
    return status.state === 'granted' && typeof navigator.clipboard?.readText === 'function';
  } catch {
    return false;
  }
}

/**
 * Text copied in one desktop can be pasted in another (一窗受理: the same citizen's data across
 * departments), each direction only where its pool allows it. The local clipboard is used
 * too when the browser lets the page at it; nothing is stored beyond this page.
 */
export function useClipboardBridge() {
  const text = useRef<string | null>(null);
  const delivered = useRef(new Map<string, string>());

  const fromDesktop = useCallback((sessionId: string, copied: string) => {
    text.current = copied;
    // the desktop it came from has it already (perhaps richer than text): never offered back
    delivered.current.set(sessionId, copied);
    navigator.clipboard?.writeText(copied).catch(() => undefined);
  }, []);

  /** Gives the desktop on screen the latest text, if its pool lets text in and it has not got it. */
  const offerTo = useCallback(async (desktop: HeldDesktop | undefined, connection: DesktopConnection | undefined) => {
    if (!desktop || !connection || !clipboardAllows(desktop.session, 'to-desktop')) return;
    const local = (await clipboardReadable()) ? await navigator.clipboard.readText().catch(() => null) : null;
    const latest = local ?? text.current;
    if (latest === null || delivered.current.get(desktop.session.id) === latest) return;
    delivered.current.set(desktop.session.id, latest);
    connection.sendClipboard(latest);
  }, []);

  // a new object every render, on purpose: DesktopStage's offer effect then runs again at each
  // render, so an offer that found nothing to send (the page's clipboard not readable yet) is retried
  return { fromDesktop, offerTo };
}
