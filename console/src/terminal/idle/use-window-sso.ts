import { useEffect, useState } from 'react';
import { isErrorCode } from '@yunzhuo/protocol/errors';
import { WindowApiError, type WindowApi } from '../api/window-api';

/** `#oidcTicket=…` or `#oidcError=CODE` as the provider's round trip left them; the fragment is then removed. */
function takeFragment(): { ticket: string | null; error: string | null } {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const found = { ticket: params.get('oidcTicket'), error: params.get('oidcError') };
  if (found.ticket || found.error) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return found;
}

/**
 * 统一身份认证 at the window (docs/IDENTITY.md): the providers of this terminal's site (a button each,
 * none when the site has none enabled), the start of a sign-in (the page leaves for the provider),
 * and what the page came back with: a one-time ticket to log in with, or the refusal's code.
 */
export function useWindowSso(api: WindowApi, offer: boolean) {
  const [sources, setSources] = useState<{ id: string; name: string; qr: boolean }[]>([]);
  const [back] = useState(takeFragment);
  const [ticket, setTicket] = useState<string | null>(back.ticket);
  const [leaving, setLeaving] = useState(false);
  useEffect(() => {
    if (!offer) return;
    let live = true;
    api
      .oidcSources()
      .then((items) => live && setSources(items))
      .catch(() => live && setSources([])); // no button rather than a broken one
    return () => {
      live = false;
    };
  }, [api, offer]);
  return {
    sources,
    ticket,
    setTicket,
    /** true once when the page came back with a ticket */
    arrived: back.ticket !== null,
    // a terminal revoked during the sign-in comes back as TERMINAL_REVOKED / TERMINAL_UNKNOWN, a failed write as INTERNAL
    refusal: back.error ? new WindowApiError(0, isErrorCode(back.error) ? back.error : 'OIDC_SIGN_IN_FAILED', '') : null,
    leaving,
    async go(sourceId: string) {
      setLeaving(true);
      try {
        window.location.assign(await api.oidcStart(sourceId));
      } catch (err) {
        setLeaving(false);
        throw err;
      }
    },
  };
}
