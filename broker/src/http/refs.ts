import type { Model, ModelStatic } from 'sequelize';
import type { Actor } from '../auth/actor.js';
import { canAccess } from '../auth/policy.js';
import { AppError } from '../lib/app-error.js';

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

export function invalidField(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { issues: [{ path: `body.${field}`, code: 'invalid', message }] });
}

export function iso(d: Date | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}
