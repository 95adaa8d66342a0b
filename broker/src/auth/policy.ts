import { AppError } from '../lib/app-error.js';
import { aboveScope, inScope, type Actor } from './actor.js';

export type Access = 'read' | 'write';

/**
 * How a kind of row is shared down the site tree: `subtree` rows are seen only inside the
 * subtree that holds them; `inherited` rows (departments) are also read, never written, by the
 * site-admins of the sites below: a town builds its pools and gives its clerks the departments
 * of its county (六统一: the same departments and service list at every level).
 */
export type Sharing = 'subtree' | 'inherited';

/** Departments belong to a site and serve every site below it. */
export const DEPARTMENT_SHARING: Sharing = 'inherited';

/**
 * Every admin-API authorisation decision is made here.
 * - admin: everything. auditor: read everything, write nothing.
 * - site-admin: rows of its own site subtree; county-wide rows (siteId NULL) are readable only,
 *   and so are `inherited` rows of the sites above its subtree.
 * - clerk: no admin API at all.
 * Rows outside the actor's sight answer NOT_FOUND (a town can't even learn they exist).
 */
export function canAccess(actor: Actor, access: Access, rowSiteId: string | null, sharing: Sharing = 'subtree'): boolean {
  const roles = actor.roles;
  if (roles.includes('admin')) return true;
  if (access === 'read' && roles.includes('auditor')) return true;
  if (roles.includes('site-admin')) {
    if (rowSiteId === null) return access === 'read';
    if (inScope(actor.scope, rowSiteId)) return true;
    return access === 'read' && sharing === 'inherited' && aboveScope(actor.scope, rowSiteId);
  }
  return false;
}

export function isConsoleUser(actor: Actor): boolean {
  return actor.roles.some((r) => r === 'admin' || r === 'site-admin' || r === 'auditor');
}

/** For a row the actor asked for by id: invisible rows are NOT_FOUND, visible but read-only ones FORBIDDEN. */
export function assertRowAccess(actor: Actor, access: Access, rowSiteId: string | null, what: string, sharing: Sharing = 'subtree'): void {
  if (canAccess(actor, access, rowSiteId, sharing)) return;
  if (!canAccess(actor, 'read', rowSiteId, sharing)) throw new AppError('NOT_FOUND', { resource: what });
  throw new AppError('FORBIDDEN', { resource: what, access });
}

/** For a row about to be created or moved to `targetSiteId`. */
export function assertCanWriteTo(actor: Actor, targetSiteId: string | null, what: string): void {
  if (!canAccess(actor, 'write', targetSiteId)) throw new AppError('FORBIDDEN', { resource: what, siteId: targetSiteId });
}

/** pseudo site id of county-level accounts (no home site): never inside a site admin's subtree */
export const COUNTY_ACCOUNT = 'county-level';

// a department reviewer reads its departments' orders at every site: only the county grants that
const COUNTY_ROLES: readonly string[] = ['admin', 'auditor', 'department-reviewer'];

/** A site admin may manage clerks and other site admins of its subtree, never grant county roles. */
export function assertRolesGrantable(actor: Actor, roles: readonly string[] | undefined): void {
  if (roles && !mayGrantRoles(actor, roles)) throw new AppError('FORBIDDEN', { field: 'roles', reason: 'only a county admin grants admin or auditor' });
}

/**
 * For an existing account about to be changed, by any route (PATCH, CSV import): it must sit in
 * the actor's writable subtree, and a county admin or auditor is changed by a county admin only.
 */
export function assertAccountManageable(actor: Actor, account: ManagedAccount): void {
  assertRowAccess(actor, 'write', account.homeSiteId ?? COUNTY_ACCOUNT, 'account');
  if (accountRefusal(actor, account) === 'county-role') {
    throw new AppError('FORBIDDEN', { resource: 'account', reason: 'a county admin or auditor is changed by a county admin only' });
  }
}

type ManagedAccount = { homeSiteId: string | null; roles: readonly string[] };

/** Why the actor may not change this account, or null: the one rule behind every account write. */
export function accountRefusal(actor: Actor, account: ManagedAccount): 'other-site' | 'county-role' | null {
  if (!canAccess(actor, 'write', account.homeSiteId ?? COUNTY_ACCOUNT)) return 'other-site';
  if (!mayGrantRoles(actor, account.roles)) return 'county-role';
  return null;
}

/** Whether the actor may grant every one of these roles. */
export function mayGrantRoles(actor: Actor, roles: readonly string[]): boolean {
  return actor.roles.includes('admin') || !roles.some((r) => COUNTY_ROLES.includes(r));
}

export function assertCanWriteAnything(actor: Actor): void {
  if (!actor.roles.includes('admin') && !actor.roles.includes('site-admin')) throw new AppError('FORBIDDEN', { access: 'write' });
}

/** a step on a 差评 work order: read it, handle it (回访, 整改, 申诉, 追评), or decide an appeal (复核) */
export type WorkOrderStep = 'read' | 'handle' | 'review';

/**
 * 差评 work orders. admin: everything. 复核 is the county's (admin only), so a hall never
 * judges its own appeal. auditor: read. site-admin: orders of its subtree. department-reviewer:
 * orders of its own departments, wherever the service was given.
 */
export function mayOnWorkOrder(
  actor: Actor,
  step: WorkOrderStep,
  order: { siteId: string | null; departmentId: string | null },
  reviewerDepartments: ReadonlySet<string>,
): boolean {
  const roles = actor.roles;
  if (roles.includes('admin')) return true;
  if (step === 'review') return false;
  if (step === 'read' && roles.includes('auditor')) return true;
  if (roles.includes('site-admin') && order.siteId !== null && inScope(actor.scope, order.siteId)) return true;
  return roles.includes('department-reviewer') && order.departmentId !== null && reviewerDepartments.has(order.departmentId);
}

/** Who may sign in to the console (and reach its routes): console users, and department reviewers for their work orders only. */
export function isWorkOrderUser(actor: Actor): boolean {
  return isConsoleUser(actor) || actor.roles.includes('department-reviewer');
}
