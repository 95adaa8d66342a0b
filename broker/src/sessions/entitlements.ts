import { Op, Sequelize } from 'sequelize';
import { Pool } from '../pools/pool.model.js';

/** Pools an account may use: those of its departments, plus any granted to it directly (one query). */
export async function entitledPools(accountId: string): Promise<Pool[]> {
  const id = Pool.sequelize!.escape(accountId);
  return Pool.findAll({
    where: {
      [Op.or]: [
        { departmentId: { [Op.in]: Sequelize.literal(`(SELECT department_id FROM account_departments WHERE account_id = ${id})`) } },
        { id: { [Op.in]: Sequelize.literal(`(SELECT pool_id FROM account_pools WHERE account_id = ${id})`) } },
      ],
    },
    order: [['name', 'ASC']],
  });
}
