import { useEffect, useRef, useState } from 'react';
import { isWindowApiError, WindowApiError, type WindowApi } from '../api/window-api';

/** how often the page asks whether the phone has signed in, ms */
const POLL_MS = 1500;

export interface QrView {
  qrDataUrl: string | null;
  /** seconds until the code is replaced by a fresh one */
  secondsLeft: number;
  scanned: boolean;
  error: WindowApiError | null;
}

/**
 * 扫码登录 (docs/IDENTITY.md): while `sourceId` is set, a QR code of this terminal (2 minutes,
 * single use) is shown with its countdown and replaced by a fresh one when it expires; the page
 * polls it with its terminal credential and hands the one-time ticket to `onTicket` once the phone
 * has signed in.
 */
export function useQrSignIn(api: WindowApi, sourceId: string | null, onTicket: (ticket: string) => void): QrView {
  const [view, setView] = useState<QrView>({ qrDataUrl: null, secondsLeft: 0, scanned: false, error: null });
  const handOver = useRef(onTicket);
  handOver.current = onTicket;
  useEffect(() => {
    if (!sourceId) return;
    let live = true;
    let code: { id: string; deadline: number } | null = null;
    let timer = 0;
    const fresh = async () => {
      code = null;
      const issued = await api.oidcQr(sourceId);
      if (!live) return;
      code = { id: issued.id, deadline: Date.now() + issued.ttlMs };
      setView({ qrDataUrl: issued.qrDataUrl, secondsLeft: Math.ceil(issued.ttlMs / 1000), scanned: false, error: null });
    };
    const tick = async () => {
      try {
        if (!code) await fresh();
        else {
          const answer = await api.oidcQrPoll(code.id);
          if (!live) return;
          if (answer.state === 'signed-in') return handOver.current(answer.ticket);
          const scanned = answer.state === 'scanned';
          const secondsLeft = Math.max(0, Math.ceil((code.deadline - Date.now()) / 1000));
          setView((v) => ({ ...v, scanned, secondsLeft, error: null }));
          // a code nobody scanned is replaced when its countdown ends (the broker refuses it then anyway)
          if (!scanned && secondsLeft === 0) await fresh();
        }
      } catch (caught) {
        if (!live) return;
        const failure = isWindowApiError(caught) ? caught : new WindowApiError(0, 'NETWORK', String(caught));
        if (failure.code === 'OIDC_QR_EXPIRED' || failure.code === 'NOT_FOUND')
          code = null; // a fresh code at the next tick
        else setView((v) => ({ ...v, error: failure }));
      }
      if (live) timer = window.setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [api, sourceId]);
  return view;
}
