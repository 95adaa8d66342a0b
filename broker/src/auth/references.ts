import type { Model, ModelStatic, Transaction } from 'sequelize';
import { AppError } from '../lib/app-error.js';
import { Site } from '../sites/site.model.js';
import type { Actor } from './actor.js';
import { assertCanWriteTo, canAccess, type Sharing } from './policy.js';

/**
 * Reference checks of a write: every row a body names must exist and be visible to the actor.
 * They run inside the write's transaction, before anything is written, so a refused write
 * leaves nothing behind.
 */
export async function requireRef<M extends Model>(
  actor: Actor,
  model: ModelStatic<M>,
  id: string,
  field: string,
  siteOf: (row: M) => string | null,
  transaction?: Transaction,
  sharing: Sharing = 'subtree',
): Promise<M> {
  const row = await model.findByPk(id, transaction ? { transaction } : {});
  if (!row || !canAccess(actor, 'read', siteOf(row), sharing)) {
    throw new AppError('VALIDATION_FAILED', { issues: [{ path: `body.${field}`, code: 'not_found', message: 'no such row' }] });
  }
  return row;
}

/** Every id of a list field (`gatewayIds`, `poolIds`…) names a row the actor may see. */
export async function requireRefs<M extends Model>(
  actor: Actor,
  model: ModelStatic<M>,
  ids: readonly string[] | undefined,
  field: string,
  siteOf: (row: M) => string | null,
  transaction?: Transaction,
  sharing: Sharing = 'subtree',
): Promise<void> {
  for (const id of new Set(ids ?? [])) await requireRef(actor, model, id, field, siteOf, transaction, sharing);
}

/**
 * The site a row is written into. Outside the actor's writable subtree that is FORBIDDEN
 * whether or not the site exists (so nothing is learned about other sites); inside it must exist.
 */
export async function requireWritableSite(actor: Actor, siteId: string, field: string, what: string, transaction?: Transaction): Promise<Site> {
  assertCanWriteTo(actor, siteId, what);
  return requireRef(actor, Site, siteId, field, (s) => s.id, transaction);
}

export function invalidField(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { issues: [{ path: `body.${field}`, code: 'invalid', message }] });
}
