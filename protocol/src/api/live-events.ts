/**
 * The console's live feed (`/api/v1/events`): one typed map shared by the broker that publishes
 * it and the console that listens. Changes are additive.
 */
/** `siteId` scopes delivery: a town admin only receives its own subtree's events. */
export interface LiveEventMap {
  'session.changed': { id: string; state: string; siteId: string | null; windowId: string | null; accountId: string; poolId: string; desktopId: string | null; endReason?: string | null };
  'terminal.changed': { id: string; state: string; siteId: string; windowId: string | null; online: boolean };
  'desktop.changed': { id: string; state: string; health: string; poolId: string; siteId: string | null };
  'gateway.changed': { id: string; health: string; siteId: string | null };
  'login.refused': { code: string; username: string; terminalId: string | null; siteId: string | null; poolId?: string | null };
  'rating.created': { id: string; siteId: string | null; windowId: string | null; level: number; bad: boolean };
  'resource.changed': { resource: string; id: string; action: 'create' | 'update' | 'delete'; siteId: string | null };
  /** shown on the window page of that terminal (sent by an admin's `message` command) */
  'terminal.message': { terminalId: string; siteId: string; windowId: string | null; commandId: string; text: string; level: string; durationSeconds: number };
  'terminal.command': { terminalId: string; siteId: string; commandId: string; type: string; outcome: 'ok' | 'failed' };
}

export type LiveEventType = keyof LiveEventMap;
