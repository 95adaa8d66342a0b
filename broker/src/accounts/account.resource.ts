import { Op, Sequelize, type Transaction } from 'sequelize';
import type { z } from 'zod';
import { accountCreate, accountOut, accountQuery, accountUpdate } from '@yunzhuo/protocol/api/resources';
import type { Actor } from '../auth/actor.js';
import { Department } from '../departments/department.model.js';
import type { ResourceDef } from '../http/crud.js';
import { requireRefs, requireWritableSite } from '../auth/references.js';
import { assertAccountManageable, assertRolesGrantable, COUNTY_ACCOUNT, DEPARTMENT_SHARING } from '../auth/policy.js';
import { hashPassword } from '../lib/passwords.js';
import { Pool } from '../pools/pool.model.js';
import { Account, AccountDepartment, AccountPool } from './account.model.js';
import { presentAccount } from './account.presenter.js';

type Create = z.output<typeof accountCreate>;
type Update = z.output<typeof accountUpdate>;

async function checkLinks(actor: Actor, input: Create | Update, transaction: Transaction): Promise<void> {
  await requireRefs(actor, Department, input.departmentIds, 'departmentIds', (d) => d.siteId, transaction, DEPARTMENT_SHARING);
  await requireRefs(actor, Pool, input.poolIds, 'poolIds', (p) => p.siteId, transaction);
}

/** Replaces the account's departments and pools named in the input (already checked). */
export async function setAccountLinks(
  accountId: string,
  links: { departmentIds?: string[] | undefined; poolIds?: string[] | undefined },
  transaction: Transaction,
): Promise<void> {
  if (links.departmentIds) {
    await AccountDepartment.destroy({ where: { accountId }, transaction });
    await AccountDepartment.bulkCreate(
      [...new Set(links.departmentIds)].map((departmentId) => ({ accountId, departmentId })),
      { transaction },
    );
  }
  if (links.poolIds) {
    await AccountPool.destroy({ where: { accountId }, transaction });
    await AccountPool.bulkCreate(
      [...new Set(links.poolIds)].map((poolId) => ({ accountId, poolId })),
      { transaction },
    );
  }
}

/** `prepare` hashes a new password before the transaction opens (scrypt is slow on purpose). */
export const accountResource: ResourceDef<Account, Create, Update, string | null> = {
  path: 'accounts',
  type: 'account',
  model: Account,
  schemas: { create: accountCreate, update: accountUpdate, query: accountQuery, out: accountOut },
  scopeColumn: 'homeSiteId',
  countyWideRows: false,
  // county-level accounts (no home site) are not county-wide data: only county roles see them
  siteOf: (a) => a.homeSiteId ?? COUNTY_ACCOUNT,
  async targetSite(actor, input, existing, t) {
    assertRolesGrantable(actor, input.roles);
    if (existing) assertAccountManageable(actor, existing);
    const siteId = input.homeSiteId !== undefined ? input.homeSiteId : (existing?.homeSiteId ?? null);
    if (siteId) await requireWritableSite(actor, siteId, 'homeSiteId', 'account', t);
    await checkLinks(actor, input, t);
    return siteId ?? COUNTY_ACCOUNT;
  },
  filters: (q) => ({
    ...(q.homeSiteId ? { homeSiteId: q.homeSiteId } : {}),
  }),
  extraFilters: (q) => [
    ...(q.role ? [Sequelize.where(Sequelize.cast(Sequelize.col('roles'), 'text'), { [Op.like]: `%"${String(q.role)}"%` })] : []),
    ...(q.departmentId
      ? [
          {
            id: {
              [Op.in]: Sequelize.literal(
                `(SELECT account_id FROM account_departments WHERE department_id = ${Account.sequelize!.escape(String(q.departmentId))})`,
              ),
            },
          },
        ]
      : []),
  ],
  searchColumns: ['username', 'displayName'],
  present: presentAccount,
  prepare: async (input) => (input.password ? hashPassword(input.password) : null),
  async create(_actor, input, transaction, passwordHash) {
    const { password: _pw, departmentIds, poolIds, ...rest } = input;
    const account = await Account.create({ ...rest, passwordHash: passwordHash!, lastLoginAt: null }, { transaction });
    await setAccountLinks(account.id, { departmentIds, poolIds }, transaction);
    return account;
  },
  async update(_actor, row, input, transaction, passwordHash) {
    const { password: _pw, departmentIds, poolIds, ...rest } = input;
    await row.update({ ...rest, ...(passwordHash ? { passwordHash } : {}) }, { transaction });
    await setAccountLinks(row.id, { departmentIds, poolIds }, transaction);
    return row;
  },
};
