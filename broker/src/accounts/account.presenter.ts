import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { accountOut } from '@yunzhuo/protocol/api/resources';
import { iso } from '../http/refs.js';
import { AccountDepartment, AccountPool, type Account } from './account.model.js';

export async function presentAccount(a: Account, transaction?: Transaction): Promise<z.output<typeof accountOut>> {
  const [deps, pools] = await Promise.all([
    AccountDepartment.findAll({ where: { accountId: a.id }, ...(transaction ? { transaction } : {}) }),
    AccountPool.findAll({ where: { accountId: a.id }, ...(transaction ? { transaction } : {}) }),
  ]);
  return {
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    homeSiteId: a.homeSiteId,
    roles: a.roles,
    departmentIds: deps.map((d) => d.departmentId).sort(),
    poolIds: pools.map((p) => p.poolId).sort(),
    disabled: a.disabled,
    locked: a.locked,
    mustChangePassword: a.mustChangePassword,
    totpEnabled: a.totpEnabled,
    lastLoginAt: iso(a.lastLoginAt),
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
  };
}
