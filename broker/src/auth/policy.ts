import { AppError } from '../lib/app-error.js';
import { inScope, type Actor } from './actor.js';

export type Access = 'read' | 'write';

/**
 * Every admin-API authorisation decision is made here.
 * - admin: everything. auditor: read everything, write nothing.
 * - site-admin: rows of its own site subtree; county-wide rows (siteId NULL) are readable only.
 * - clerk: no admin API at all.
 * Rows outside the actor's sight answer NOT_FOUND (a town can't even learn they exist).
 */
export function canAccess(actor: Actor, access: Access, rowSiteId: string | null): boolean {
  const roles = actor.roles;
  if (roles.includes('admin')) return true;
  if (access === 'read' && roles.includes('auditor')) return true;
  if (roles.includes('site-admin')) {
    if (rowSiteId === null) return access === 'read';
    return inScope(actor.scope, rowSiteId);
  }
  return false;
}

export function isConsoleUser(actor: Actor): boolean {
  return actor.roles.some((r) => r === 'admin' || r === 'site-admin' || r === 'auditor');
}

/** For a row the actor asked for by id: invisible rows are NOT_FOUND, visible but read-only ones FORBIDDEN. */
export function assertRowAccess(actor: Actor, access: Access, rowSiteId: string | null, what: string): void {
  if (canAccess(actor, access, rowSiteId)) return;
  if (!canAccess(actor, 'read', rowSiteId)) throw new AppError('NOT_FOUND', { resource: what });
  throw new AppError('FORBIDDEN', { resource: what, access });
}

/** For a row about to be created or moved to `targetSiteId`. */
export function assertCanWriteTo(actor: Actor, targetSiteId: string | null, what: string): void {
  if (!canAccess(actor, 'write', targetSiteId)) throw new AppError('FORBIDDEN', { resource: what, siteId: targetSiteId });
}

export function assertCanWriteAnything(actor: Actor): void {
  if (!actor.roles.includes('admin') && !actor.roles.includes('site-admin')) throw new AppError('FORBIDDEN', { access: 'write' });
}
