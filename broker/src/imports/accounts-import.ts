import { nameKey } from '@yunzhuo/protocol/api/names';
import { accountCreate } from '@yunzhuo/protocol/api/resources';
import { safeParseZh } from '@yunzhuo/protocol/api/zod-zh';
import { Account } from '../accounts/account.model.js';
import { presentAccount } from '../accounts/account.presenter.js';
import { setAccountLinks } from '../accounts/account.resource.js';
import type { Actor } from '../auth/actor.js';
import { accountRefusal, assertAccountManageable, canAccess, DEPARTMENT_SHARING, mayGrantRoles } from '../auth/policy.js';
import { Department } from '../departments/department.model.js';
import { AppError } from '../lib/app-error.js';
import { hashPassword } from '../lib/passwords.js';
import type { CsvRow } from './csv-decode.js';
import { RowErrors, type PlannedRow } from './import-types.js';
import { writableSiteOf } from './row-site.js';

export const ACCOUNT_HEADERS: Record<string, string> = {
  username: 'username',
  account: 'username',
  账号: 'username',
  用户名: 'username',
  display_name: 'displayName',
  name: 'displayName',
  姓名: 'displayName',
  password: 'password',
  密码: 'password',
  初始密码: 'password',
  site_code: 'siteCode',
  site: 'siteCode',
  站点: 'siteCode',
  中心: 'siteCode',
  站点编码: 'siteCode',
  department_codes: 'departmentCodes',
  departments: 'departmentCodes',
  department: 'departmentCodes',
  部门: 'departmentCodes',
  部门编码: 'departmentCodes',
  roles: 'roles',
  role: 'roles',
  角色: 'roles',
};

const ROLE_NAMES: Record<string, string> = {
  窗口人员: 'clerk',
  站点管理员: 'site-admin',
  管理员: 'admin',
  审计员: 'auditor',
  部门审核员: 'department-reviewer',
};
const split = (s: string | undefined) =>
  (s ?? '')
    .split(/[;；|、]/)
    .map((x) => x.trim())
    .filter(Boolean);

const REFUSALS = {
  'other-site': '账号：该账号属于其他站点，无权修改',
  'county-role': '账号：该账号是县级管理员或审计员，只有县级管理员可以修改',
} as const;

/** the column each field of an account comes from, as the preview names it */
const ACCOUNT_COLUMNS: Record<string, string> = { username: '账号', displayName: '姓名', password: '初始密码', homeSiteId: '站点', roles: '角色' };

/**
 * Checks one row with the policy of the single-row API (`auth/policy.ts`) and plans its write.
 * A row naming an account the actor may not change is refused here, in the dry run too.
 */
export async function planAccountRow(actor: Actor, row: CsvRow, seen: Set<string>): Promise<PlannedRow> {
  const v = row.values;
  const errors = new RowErrors();
  const key = v.username ?? '?';
  const site = await writableSiteOf(actor, v.siteCode, errors, '站点');
  if (!v.siteCode && !actor.roles.includes('admin')) errors.add('站点：必填');
  const departments: Department[] = [];
  for (const code of split(v.departmentCodes)) {
    const d = await Department.findOne({ where: { codeKey: nameKey(code) } });
    if (!d || !canAccess(actor, 'read', d.siteId, DEPARTMENT_SHARING)) errors.add(`部门：找不到部门 ${code}`);
    else departments.push(d);
  }
  const roles = split(v.roles).map((r) => ROLE_NAMES[r] ?? r);
  if (!mayGrantRoles(actor, roles)) errors.add('角色：无权授予该角色', 'FORBIDDEN');
  if (seen.has(key)) errors.add('账号：文件中有重复的账号');
  seen.add(key);
  const existing = v.username ? await Account.findOne({ where: { usernameKey: nameKey(v.username) } }) : null;
  const refusal = existing ? accountRefusal(actor, existing) : null;
  if (refusal) errors.add(REFUSALS[refusal], 'FORBIDDEN');
  const parsed = safeParseZh(accountCreate, {
    username: v.username,
    displayName: v.displayName,
    password: v.password ?? (existing ? 'unchanged-placeholder' : undefined),
    homeSiteId: site?.id ?? null,
    roles: roles.length ? roles : ['clerk'],
  });
  if (!parsed.success) errors.addIssues(parsed.error.issues, ACCOUNT_COLUMNS);
  if (errors.any || !parsed.success) return { result: errors.result(row.line, key, null) };
  const { password, departmentIds: _d, poolIds: _p, ...data } = parsed.data;
  let passwordHash: string | undefined;
  return {
    result: errors.result(row.line, key, existing ? 'update' : 'create'),
    // scrypt is slow on purpose: hash before the transaction opens, and only when applying
    async prepare() {
      if (v.password) passwordHash = await hashPassword(password);
    },
    async apply({ transaction, audit }) {
      // checked again on the row as it is now, locked: the plan was made outside the transaction
      const current = await Account.findOne({ where: { usernameKey: nameKey(data.username) }, transaction, lock: true });
      if ((current?.id ?? null) !== (existing?.id ?? null))
        throw new AppError('CONFLICT', { line: row.line, username: data.username, reason: 'the account changed since the preview' });
      if (current) assertAccountManageable(actor, current);
      const before = current ? await presentAccount(current, transaction) : null;
      const account = current
        ? // the row found the account by its key (any width or case): its username stays as it is
          await current.update({ ...data, username: current.username, ...(passwordHash ? { passwordHash, mustChangePassword: true } : {}) }, { transaction })
        : // an imported password is an initial one: its owner replaces it at the first console sign-in
          await Account.create({ ...data, passwordHash: passwordHash!, lastLoginAt: null, mustChangePassword: true }, { transaction });
      if (departments.length) await setAccountLinks(account.id, { departmentIds: departments.map((d) => d.id) }, transaction);
      const after = await presentAccount(account, transaction);
      audit({
        action: current ? 'account.update' : 'account.create',
        targetType: 'account',
        targetId: account.id,
        siteId: account.homeSiteId,
        before,
        after,
        details: { import: true, line: row.line },
      });
    },
  };
}
