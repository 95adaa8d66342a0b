/**
 * Timestamps (performance.now(), ms) of the current login, read by the browser tests and the
 * window benchmark: click → login answer → tunnel open → first drawn frame of the desktop.
 */
export interface LoginMarks {
  loginAt: number | null;
  loginAnsweredAt: number | null;
  /** Server-Timing of the login answer: the password check and the brokering after it, ms */
  authMs: number | null;
  brokerMs: number | null;
  sessionId: string | null;
  reconnected: boolean | null;
  tunnelOpenAt: number | null;
  firstFrameAt: number | null;
}

declare global {
  interface Window {
    __yzMarks?: LoginMarks;
    /** performance.now() of the most recent first frame of any desktop */
    __yzFirstFrame?: number;
  }
}

export function startLoginMarks(at: number): void {
  window.__yzMarks = {
    loginAt: at,
    loginAnsweredAt: null,
    authMs: null,
    brokerMs: null,
    sessionId: null,
    reconnected: null,
    tunnelOpenAt: null,
    firstFrameAt: null,
  };
}

export function mark(patch: Partial<LoginMarks>): void {
  if (window.__yzMarks) Object.assign(window.__yzMarks, patch);
}

/** Only the first tunnel and frame after a login count for it. */
export function markOnce(key: 'tunnelOpenAt' | 'firstFrameAt', sessionId: string): void {
  const now = performance.now();
  if (key === 'firstFrameAt') window.__yzFirstFrame = now;
  const marks = window.__yzMarks;
  if (marks && marks.sessionId === sessionId && marks[key] === null) marks[key] = now;
}
