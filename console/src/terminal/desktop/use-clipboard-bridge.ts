import { useMemo, useRef } from 'react';
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

  return useMemo(() => {
    const fromDesktop = (copied: string) => {
      text.current = copied;
      navigator.clipboard?.writeText(copied).catch(() => undefined);
    };

    /**
     * Gives the desktop on screen the latest text, if its pool lets text in. Called when its
     * connection becomes live (each guacd connection starts without it) and when the page gets
     * focus back; the connection skips text it already has. With the permission granted,
     * Chromium refuses readText only to a page without focus, so the focus event is the retry.
     */
    const offerTo = async (desktop: HeldDesktop | undefined, connection: DesktopConnection | undefined) => {
      if (!desktop || !connection || !clipboardAllows(desktop.session, 'to-desktop')) return;
      const local = (await clipboardReadable()) ? await navigator.clipboard.readText().catch(() => null) : null;
      const latest = local ?? text.current;
      if (latest !== null) connection.sendClipboard(latest);
    };
    return { fromDesktop, offerTo };
  }, []);
}
