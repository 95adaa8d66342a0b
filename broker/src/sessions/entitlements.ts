import { QueryTypes } from 'sequelize';
import { Pool } from '../pools/pool.model.js';

/**
 * The pools each account may use — those of its departments, plus any granted to it directly —
 * for any number of accounts in two queries; answers one list per account, in order, by name.
 */
export async function entitledPoolsOf(accountIds: string[]): Promise<Pool[][]> {
  const grants = await Pool.sequelize!.query<{ account_id: string; pool_id: string }>(
    `SELECT ad.account_id, p.id AS pool_id FROM account_departments ad JOIN pools p ON p.department_id = ad.department_id
     WHERE ad.account_id IN (:accountIds)
     UNION SELECT account_id, pool_id FROM account_pools WHERE account_id IN (:accountIds)`,
    { replacements: { accountIds }, type: QueryTypes.SELECT },
  );
  if (grants.length === 0) return accountIds.map(() => []);
  const granted = new Map<string, Set<string>>();
  for (const g of grants) granted.set(g.account_id, (granted.get(g.account_id) ?? new Set()).add(g.pool_id));
  const pools = await Pool.findAll({
    where: { id: [...new Set(grants.map((g) => g.pool_id))] },
    order: [
      ['name', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return accountIds.map((id) => pools.filter((p) => granted.get(id)?.has(p.id)));
}
