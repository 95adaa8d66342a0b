import type { Model, ModelStatic } from 'sequelize';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteTo, canAccess } from '../auth/policy.js';
import { AppError } from '../lib/app-error.js';
import { Site } from '../sites/site.model.js';

/** A referenced row must exist and be visible to the actor, else the field is invalid. */
export async function requireRef<M extends Model>(
  actor: Actor,
  model: ModelStatic<M>,
  id: string,
  field: string,
  siteOf: (row: M) => string | null,
): Promise<M> {
  const row = await model.findByPk(id);
  if (!row || !canAccess(actor, 'read', siteOf(row))) {
    throw new AppError('VALIDATION_FAILED', { issues: [{ path: `body.${field}`, code: 'not_found', message: 'no such row' }] });
  }
  return row;
}

/**
 * The site a row is written into. Outside the actor's writable subtree that is FORBIDDEN
 * whether or not the site exists (so nothing is learned about other sites); inside it must exist.
 */
export async function requireWritableSite(actor: Actor, siteId: string, field: string, what: string): Promise<Site> {
  assertCanWriteTo(actor, siteId, what);
  return requireRef(actor, Site, siteId, field, (s) => s.id);
}

export function invalidField(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { issues: [{ path: `body.${field}`, code: 'invalid', message }] });
}

export function iso(d: Date | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}
