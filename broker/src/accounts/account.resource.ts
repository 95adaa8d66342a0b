import { Op, Sequelize } from 'sequelize';
import type { z } from 'zod';
import { accountCreate, accountOut, accountQuery, accountUpdate } from '@yunzhuo/protocol/api/resources';
import type { Actor } from '../auth/actor.js';
import { Department } from '../departments/department.model.js';
import type { ResourceDef } from '../http/crud.js';
import { requireRef, requireWritableSite } from '../http/refs.js';
import { AppError } from '../lib/app-error.js';
import { hashPassword } from '../lib/passwords.js';
import { Pool } from '../pools/pool.model.js';
import { Account, AccountDepartment, AccountPool } from './account.model.js';
import { presentAccount } from './account.presenter.js';

type Create = z.output<typeof accountCreate>;
type Update = z.output<typeof accountUpdate>;

/** A site admin may manage clerks and other site admins of its subtree, never grant county roles. */
function assertRolesGrantable(actor: Actor, roles: string[] | undefined): void {
  if (!roles || actor.roles.includes('admin')) return;
  if (roles.some((r) => r === 'admin' || r === 'auditor')) throw new AppError('FORBIDDEN', { field: 'roles', reason: 'only a county admin grants admin or auditor' });
}

async function setLinks(actor: Actor, accountId: string, input: Create | Update): Promise<void> {
  if (input.departmentIds) {
    for (const id of input.departmentIds) await requireRef(actor, Department, id, 'departmentIds', (d) => d.siteId);
    await AccountDepartment.destroy({ where: { accountId } });
    await AccountDepartment.bulkCreate([...new Set(input.departmentIds)].map((departmentId) => ({ accountId, departmentId })));
  }
  if (input.poolIds) {
    for (const id of input.poolIds) await requireRef(actor, Pool, id, 'poolIds', (p) => p.siteId);
    await AccountPool.destroy({ where: { accountId } });
    await AccountPool.bulkCreate([...new Set(input.poolIds)].map((poolId) => ({ accountId, poolId })));
  }
}

export const accountResource: ResourceDef<Account, Create, Update> = {
  path: 'accounts',
  type: 'account',
  model: Account,
  schemas: { create: accountCreate, update: accountUpdate, query: accountQuery, out: accountOut },
  scopeColumn: 'homeSiteId',
  countyWideRows: false,
  // county-level accounts (no home site) are not county-wide data: only county roles see them
  siteOf: (a) => a.homeSiteId ?? COUNTY_ACCOUNT,
  async targetSite(actor, input, existing) {
    assertRolesGrantable(actor, input.roles);
    if (existing) assertRolesGrantable(actor, existing.roles);
    const siteId = input.homeSiteId !== undefined ? input.homeSiteId : (existing?.homeSiteId ?? null);
    if (siteId) await requireWritableSite(actor, siteId, 'homeSiteId', 'account');
    return siteId ?? COUNTY_ACCOUNT;
  },
  filters: (q) => ({
    ...(q.homeSiteId ? { homeSiteId: q.homeSiteId } : {}),
  }),
  extraFilters: (q) => [
    ...(q.role ? [Sequelize.where(Sequelize.cast(Sequelize.col('roles'), 'text'), { [Op.like]: `%"${String(q.role)}"%` })] : []),
    ...(q.departmentId
      ? [{ id: { [Op.in]: Sequelize.literal(`(SELECT account_id FROM account_departments WHERE department_id = ${Account.sequelize!.escape(String(q.departmentId))})`) } }]
      : []),
  ],
  searchColumns: ['username', 'displayName'],
  present: presentAccount,
  async create(actor, input) {
    const { password, departmentIds: _d, poolIds: _p, ...rest } = input;
    const account = await Account.create({ ...rest, passwordHash: await hashPassword(password), lastLoginAt: null });
    await setLinks(actor, account.id, input);
    return account;
  },
  async update(actor, row, input) {
    const { password, departmentIds: _d, poolIds: _p, ...rest } = input;
    await row.update({ ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) });
    await setLinks(actor, row.id, input);
    return row;
  },
};

/** pseudo site id of county-level accounts: never inside a site admin's subtree */
export const COUNTY_ACCOUNT = 'county-level';
