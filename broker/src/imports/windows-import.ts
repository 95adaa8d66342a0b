import { nameKey } from '@yunzhuo/protocol/api/names';
import { windowCreate } from '@yunzhuo/protocol/api/resources';
import { safeParseZh } from '@yunzhuo/protocol/api/zod-zh';
import type { Actor } from '../auth/actor.js';
import { canAccess, DEPARTMENT_SHARING } from '../auth/policy.js';
import { Department } from '../departments/department.model.js';
import { HallWindow } from '../windows/window.model.js';
import { presentWindow } from '../windows/window.resource.js';
import type { CsvRow } from './csv-decode.js';
import { RowErrors, type PlannedRow } from './import-types.js';
import { writableSiteOf } from './row-site.js';

export const WINDOW_HEADERS: Record<string, string> = {
  site_code: 'siteCode',
  site: 'siteCode',
  站点: 'siteCode',
  站点编码: 'siteCode',
  中心: 'siteCode',
  code: 'code',
  window: 'code',
  窗口: 'code',
  窗口编号: 'code',
  编号: 'code',
  label: 'label',
  name: 'label',
  名称: 'label',
  窗口名称: 'label',
  department_code: 'departmentCode',
  department: 'departmentCode',
  部门: 'departmentCode',
  部门编码: 'departmentCode',
  area: 'area',
  区域: 'area',
  pos_x: 'posX',
  x: 'posX',
  列: 'posX',
  pos_y: 'posY',
  y: 'posY',
  行: 'posY',
};

/** the column each field of a window comes from, as the preview names it */
const WINDOW_COLUMNS: Record<string, string> = {
  siteId: '站点编码',
  code: '窗口编号',
  label: '窗口名称',
  departmentId: '部门编码',
  area: '区域',
  posX: '列',
  posY: '行',
};

/** Checks one row against the schema, the actor's scope and what is stored; plans its write. */
export async function planWindowRow(actor: Actor, row: CsvRow, seen: Set<string>): Promise<PlannedRow> {
  const v = row.values;
  const errors = new RowErrors();
  const key = `${v.siteCode ?? '?'}/${v.code ?? '?'}`;
  const site = await writableSiteOf(actor, v.siteCode, errors, '站点编码');
  if (!v.siteCode) errors.add('站点编码：必填');
  const department = v.departmentCode ? await Department.findOne({ where: { codeKey: nameKey(v.departmentCode) } }) : null;
  if (v.departmentCode && (!department || !canAccess(actor, 'read', department.siteId, DEPARTMENT_SHARING)))
    errors.add(`部门编码：找不到部门 ${v.departmentCode}`);
  if (seen.has(key)) errors.add('窗口编号：文件中有重复的窗口');
  seen.add(key);
  const parsed = safeParseZh(windowCreate, {
    siteId: site?.id ?? '00000000-0000-4000-8000-000000000000',
    code: v.code,
    label: v.label ?? null,
    departmentId: department?.id ?? null,
    area: v.area ?? null,
    posX: v.posX === undefined ? 0 : Number(v.posX),
    posY: v.posY === undefined ? 0 : Number(v.posY),
  });
  if (!parsed.success) errors.addIssues(parsed.error.issues, WINDOW_COLUMNS);
  if (errors.any || !parsed.success || !site) return { result: errors.result(row.line, key, null) };
  const existing = await HallWindow.findOne({ where: { siteId: site.id, codeKey: nameKey(parsed.data.code) } });
  const data = parsed.data;
  return {
    result: errors.result(row.line, key, existing ? 'update' : 'create'),
    async apply({ transaction, audit }) {
      const current = await HallWindow.findOne({ where: { siteId: site.id, codeKey: nameKey(data.code) }, transaction, lock: true });
      const before = current ? presentWindow(current) : null;
      const window = current ? await current.update(data, { transaction }) : await HallWindow.create(data, { transaction });
      audit({
        action: current ? 'window.update' : 'window.create',
        targetType: 'window',
        targetId: window.id,
        siteId: window.siteId,
        before,
        after: presentWindow(window),
        details: { import: true, line: row.line },
      });
    },
  };
}
