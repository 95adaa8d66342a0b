import { Op } from 'sequelize';
import { AccountDepartment, AccountPool } from '../accounts/account.model.js';
import { Pool } from '../pools/pool.model.js';

/** Pools an account may use: those of its departments, plus any granted to it directly. */
export async function entitledPools(accountId: string): Promise<Pool[]> {
  const [departments, direct] = await Promise.all([
    AccountDepartment.findAll({ where: { accountId }, attributes: ['departmentId'] }),
    AccountPool.findAll({ where: { accountId }, attributes: ['poolId'] }),
  ]);
  const or = [];
  if (departments.length) or.push({ departmentId: departments.map((d) => d.departmentId) });
  if (direct.length) or.push({ id: direct.map((p) => p.poolId) });
  if (!or.length) return [];
  return Pool.findAll({ where: { [Op.or]: or }, order: [['name', 'ASC']] });
}
