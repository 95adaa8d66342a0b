import { Op, type WhereOptions } from 'sequelize';

/** `from`/`to` ISO filters on one date column. */
export function dateRange(column: string, from?: unknown, to?: unknown): WhereOptions {
  const range: Record<symbol, Date> = {};
  if (typeof from === 'string') range[Op.gte] = new Date(from);
  if (typeof to === 'string') range[Op.lt] = new Date(to);
  return Object.getOwnPropertySymbols(range).length ? { [column]: range } : {};
}

/** copies the listed query keys that are set into an equality filter */
export function equalityFilters(query: Record<string, unknown>, keys: string[]): WhereOptions {
  return Object.fromEntries(keys.filter((k) => query[k] !== undefined).map((k) => [k, query[k]]));
}
