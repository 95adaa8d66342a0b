import type { WindowLogin, WindowSession } from '../api/window-api';

/** A desktop this window holds right now; `key` changes when the same session gets a new start. */
export interface HeldDesktop {
  key: string;
  session: WindowSession;
  token: string;
}

let starts = 0;

/** Adds a login's desktop, or restarts the one of the same session (the engine re-issued it). */
export function withLogin(desktops: HeldDesktop[], login: WindowLogin): HeldDesktop[] {
  const held: HeldDesktop = { key: `${login.session.id}:${++starts}`, session: login.session, token: login.tunnel.token };
  const at = desktops.findIndex((d) => d.session.id === login.session.id);
  if (at < 0) return [...desktops, held];
  return desktops.map((d, i) => (i === at ? held : d));
}

export function without(desktops: HeldDesktop[], sessionId: string): HeldDesktop[] {
  return desktops.filter((d) => d.session.id !== sessionId);
}

/** The pool policy says whether text may go into / come out of this desktop. */
export function clipboardAllows(session: WindowSession, direction: 'to-desktop' | 'from-desktop'): boolean {
  return session.clipboard === 'both' || session.clipboard === direction;
}
