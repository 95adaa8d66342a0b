import { accountCreate } from '@yunzhuo/protocol/api/resources';
import { Account, AccountDepartment } from '../accounts/account.model.js';
import type { Actor } from '../auth/actor.js';
import { canAccess } from '../auth/policy.js';
import { Department } from '../departments/department.model.js';
import { hashPassword } from '../lib/passwords.js';
import { Site } from '../sites/site.model.js';
import type { CsvRow } from './csv-decode.js';
import type { PlannedRow } from './import-types.js';

export const ACCOUNT_HEADERS: Record<string, string> = {
  username: 'username', account: 'username', 账号: 'username', 用户名: 'username',
  display_name: 'displayName', name: 'displayName', 姓名: 'displayName',
  password: 'password', 密码: 'password', 初始密码: 'password',
  site_code: 'siteCode', site: 'siteCode', 站点: 'siteCode', 中心: 'siteCode',
  department_codes: 'departmentCodes', departments: 'departmentCodes', department: 'departmentCodes', 部门: 'departmentCodes',
  roles: 'roles', role: 'roles', 角色: 'roles',
};

const ROLE_NAMES: Record<string, string> = { 窗口人员: 'clerk', 站点管理员: 'site-admin', 管理员: 'admin', 审计员: 'auditor' };
const split = (s: string | undefined) => (s ?? '').split(/[;；|、]/).map((x) => x.trim()).filter(Boolean);

export async function planAccountRow(actor: Actor, row: CsvRow, seen: Set<string>): Promise<PlannedRow> {
  const v = row.values;
  const errors: string[] = [];
  const key = v.username ?? '?';
  const site = v.siteCode ? await Site.findOne({ where: { code: v.siteCode } }) : null;
  if (v.siteCode && (!site || !canAccess(actor, 'write', site.id))) errors.push(`site_code: 找不到站点 ${v.siteCode} / unknown site`);
  if (!v.siteCode && !actor.roles.includes('admin')) errors.push('site_code: 必填 / required');
  const departments: Department[] = [];
  for (const code of split(v.departmentCodes)) {
    const d = await Department.findOne({ where: { code } });
    if (!d || !canAccess(actor, 'read', d.siteId)) errors.push(`department_codes: 找不到部门 ${code} / unknown department`);
    else departments.push(d);
  }
  const roles = split(v.roles).map((r) => ROLE_NAMES[r] ?? r);
  if (roles.some((r) => r === 'admin' || r === 'auditor') && !actor.roles.includes('admin')) errors.push('roles: 无权授予该角色 / may not grant this role');
  if (seen.has(key)) errors.push('重复的账号 / duplicate account in this file');
  seen.add(key);
  const existing = v.username ? await Account.findOne({ where: { username: v.username } }) : null;
  if (existing && !canAccess(actor, 'write', existing.homeSiteId ?? 'county-level')) errors.push('username: 该账号属于其他站点 / belongs to another site');
  const parsed = accountCreate.safeParse({
    username: v.username,
    displayName: v.displayName,
    password: v.password ?? (existing ? 'unchanged-placeholder' : undefined),
    homeSiteId: site?.id ?? null,
    roles: roles.length ? roles : ['clerk'],
  });
  if (!parsed.success) for (const i of parsed.error.issues) errors.push(`${i.path.join('.')}: ${i.message}`);
  if (errors.length || !parsed.success) return { result: { line: row.line, action: null, key, errors } };
  const { password, departmentIds: _d, poolIds: _p, ...data } = parsed.data;
  let passwordHash: string | undefined;
  return {
    result: { line: row.line, action: existing ? 'update' : 'create', key, errors },
    // scrypt is slow on purpose: hash before the transaction opens, and only when applying
    async prepare() {
      if (v.password) passwordHash = await hashPassword(password);
    },
    async apply(transaction) {
      const account = existing
        ? await existing.update({ ...data, ...(passwordHash ? { passwordHash } : {}) }, { transaction })
        : await Account.create({ ...data, passwordHash: passwordHash!, lastLoginAt: null }, { transaction });
      if (departments.length) {
        await AccountDepartment.destroy({ where: { accountId: account.id }, transaction });
        await AccountDepartment.bulkCreate(departments.map((d) => ({ accountId: account.id, departmentId: d.id })), { transaction });
      }
    },
  };
}
