import type { Role } from '@yunzhuo/protocol/api/common';

/** Which sites an actor may see: everything, or one subtree (a town center) and, for shared rows, the sites above it. */
export type SiteScope = { all: true } | { all: false; rootSiteId: string; siteIds: ReadonlySet<string>; ancestorIds: ReadonlySet<string> };

export interface Actor {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  homeSiteId: string | null;
  scope: SiteScope;
  address: string | null;
}

/** The broker itself, for repairs and timers. */
export function systemActor(address: string | null = null): Actor {
  return { id: 'system', username: 'system', displayName: '系统', roles: ['admin'], homeSiteId: null, scope: { all: true }, address };
}

/** The site lies above the actor's subtree (the county of a town's site-admin). */
export function aboveScope(scope: SiteScope, siteId: string | null): boolean {
  return !scope.all && siteId !== null && scope.ancestorIds.has(siteId);
}

/**
 * A clerk at a window, as the audit log names them: their login, name and the address the
 * login came from (the log must not say 系统). It authorises nothing.
 */
export function clerkActor(account: { id: string; username: string; displayName: string }, address: string | null): Actor {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    roles: [],
    homeSiteId: null,
    scope: { all: false, rootSiteId: '', siteIds: new Set(), ancestorIds: new Set() },
    address,
  };
}

export function inScope(scope: SiteScope, siteId: string | null): boolean {
  if (scope.all) return true;
  return siteId !== null && scope.siteIds.has(siteId);
}
