import type { Connector } from '../../api/connectors';
import type { DeskSession, HallWindow, Pool, Terminal } from '../../api/types';

/** What a window on the hall map shows (the legend's order; precedence: see windowViews). */
export const WINDOW_STATES = ['in-use', 'disconnected', 'offline', 'maintenance', 'free', 'no-terminal'] as const;
export type WindowState = (typeof WINDOW_STATES)[number];

export interface WindowView {
  window: HallWindow;
  terminal: Terminal | null;
  /** the session shown on the tile: a working one before a disconnected one */
  session: DeskSession | null;
  sessions: DeskSession[];
  state: WindowState;
  /** the window's terminal is in service but its agent is not connected (warned on an in-use tile too) */
  terminalOffline: boolean;
  /** town connectors that carry this window's desktops: its department's pools or a live session's pool are `viaConnector` */
  viaConnectors: Connector[];
  /** true when the window's desktops go through a town and no connector of that town is linked: they cannot be reached */
  connectorDown: boolean;
}

/** A connector is up while it holds a link to the broker that answered (each broker process holds its own). */
export function connectorUp(c: Connector): boolean {
  return c.state === 'active' && c.links > 0;
}

const WORKING = new Set(['requested', 'connecting', 'active']);

function rank(s: DeskSession): number {
  return WORKING.has(s.state) ? 0 : s.state === 'disconnected' ? 1 : 2;
}

/**
 * Folds windows, their terminals, live sessions and pools into one state per window:
 * - in use: a session is requested/connecting/active at this window
 * - offline: the terminal's agent is not connected, even when a session waits disconnected
 *   (a powered-off thin client leaves its session in the grace period: the terminal is the news)
 * - disconnected: the clerk left with the desktop kept (grace period)
 * - maintenance: the terminal is not in service (awaiting approval, revoked), or every pool of
 *   the window's department is draining or in maintenance
 * - free: ready for a clerk; no terminal: a seat without a thin client
 */
export function windowViews(
  windows: HallWindow[],
  terminals: Terminal[],
  liveSessions: DeskSession[],
  pools: Pool[],
  connectors: Connector[] = [],
): WindowView[] {
  const terminalOf = new Map<string, Terminal>();
  for (const t of terminals) if (t.windowId && (!terminalOf.has(t.windowId) || t.state === 'active')) terminalOf.set(t.windowId, t);
  const sessionsOf = new Map<string, DeskSession[]>();
  for (const s of liveSessions) {
    if (!s.windowId || s.state === 'ended') continue;
    sessionsOf.set(s.windowId, [...(sessionsOf.get(s.windowId) ?? []), s]);
  }
  const poolsOf = new Map<string, Pool[]>();
  for (const p of pools) poolsOf.set(p.departmentId, [...(poolsOf.get(p.departmentId) ?? []), p]);
  const poolById = new Map(pools.map((p) => [p.id, p]));

  return windows.map((window) => {
    const terminal = terminalOf.get(window.id) ?? null;
    const sessions = (sessionsOf.get(window.id) ?? []).sort((a, b) => rank(a) - rank(b) || b.requestedAt.localeCompare(a.requestedAt));
    const session = sessions[0] ?? null;
    const deptPools = window.departmentId ? (poolsOf.get(window.departmentId) ?? []) : [];
    const terminalOffline = !!terminal && terminal.state === 'active' && !terminal.online;
    let state: WindowState;
    if (session && WORKING.has(session.state)) state = 'in-use';
    else if (terminalOffline) state = 'offline';
    else if (session) state = 'disconnected';
    else if (!terminal) state = 'no-terminal';
    else if (terminal.state !== 'active' || (deptPools.length > 0 && deptPools.every((p) => p.state !== 'active'))) state = 'maintenance';
    else if (!terminal.online) state = 'offline';
    else state = 'free';
    // the towns whose connector this window's desktops need: its department's pools and the pools of its sessions
    const viaSites = new Set(
      [...deptPools, ...sessions.map((s) => poolById.get(s.poolId))].flatMap((p) => (p?.settings.viaConnector === true ? [p.siteId] : [])),
    );
    const viaConnectors = connectors.filter((c) => viaSites.has(c.siteId) && c.state === 'active');
    const connectorDown = [...viaSites].some((siteId) => !viaConnectors.some((c) => c.siteId === siteId && connectorUp(c)));
    return { window, terminal, session, sessions, state, terminalOffline, viaConnectors, connectorDown };
  });
}

export function countStates(views: WindowView[]): Record<WindowState, number> {
  const counts = Object.fromEntries(WINDOW_STATES.map((s) => [s, 0])) as Record<WindowState, number>;
  for (const v of views) counts[v.state] += 1;
  return counts;
}

export interface GridPlacement {
  /** true when every window has its own cell; otherwise windows flow by area and code */
  positioned: boolean;
  columns: number;
  rows: number;
  /** rows that hold at least one window (the others are aisles) */
  usedRows: Set<number>;
}

/** Uses posX/posY when they place windows in distinct cells; a fresh import at 0,0 flows instead. */
export function gridPlacement(windows: HallWindow[]): GridPlacement {
  const cells = new Set(windows.map((w) => `${w.posX},${w.posY}`));
  const positioned = windows.length > 0 && cells.size === windows.length && windows.some((w) => w.posX > 0 || w.posY > 0);
  return {
    positioned,
    columns: positioned ? Math.max(...windows.map((w) => w.posX)) + 1 : 0,
    rows: positioned ? Math.max(...windows.map((w) => w.posY)) + 1 : 0,
    usedRows: new Set(windows.map((w) => w.posY)),
  };
}
