import { Op, type Model, type ModelStatic, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { AppError } from '../lib/app-error.js';
import type { Actor } from './actor.js';
import { assertRowAccess, type Sharing } from './policy.js';

/** The rows of `column` an actor may list: everything, or its subtree (plus county-wide rows, plus the sites above for `inherited` rows). */
export function scopeWhere(actor: Actor, column: string, countyWideRows = true, sharing: Sharing = 'subtree'): WhereOptions {
  if (actor.scope.all) return {};
  const mine = { [column]: [...actor.scope.siteIds, ...(sharing === 'inherited' ? actor.scope.ancestorIds : [])] };
  return countyWideRows ? { [Op.or]: [mine, { [column]: null }] } : mine;
}

export interface Visibility<M extends Model> {
  model: ModelStatic<M>;
  type: string;
  siteOf(row: M): string | null;
  sharing?: Sharing;
}

/**
 * A row the actor asked for by id. Inside a write's transaction the row is read there (and
 * locked on PostgreSQL), so what is checked is what is changed.
 */
export async function findVisible<M extends Model>(
  def: Visibility<M>,
  actor: Actor,
  id: string,
  access: 'read' | 'write',
  transaction?: Transaction,
): Promise<M> {
  if (!z.string().uuid().safeParse(id).success) throw new AppError('NOT_FOUND', { resource: def.type, id });
  const row = await def.model.findByPk(id, transaction ? { transaction, lock: access === 'write' } : {});
  if (!row) throw new AppError('NOT_FOUND', { resource: def.type, id });
  assertRowAccess(actor, access, def.siteOf(row), def.type, def.sharing);
  return row;
}
