import type { Actor } from '../auth/actor.js';

/** Who an audit row names when a terminal's agent (not a person) did something; it can authorise nothing. */
export function agentActor(address: string | null, terminalId: string | null = null): Actor {
  return {
    id: terminalId ?? 'agent',
    username: terminalId ? `terminal:${terminalId}` : 'agent',
    displayName: '终端代理',
    roles: [],
    homeSiteId: null,
    scope: { all: false, rootSiteId: '', siteIds: new Set(), ancestorIds: new Set() },
    address,
  };
}
