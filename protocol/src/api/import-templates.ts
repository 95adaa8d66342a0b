import type { ImportKind } from './imports.js';

/**
 * The CSV templates the console offers (「下载模板」): Chinese headers, as a county's staff keep
 * their lists, and one sample row. The importer (`broker/src/imports/`) maps each header to its
 * field; `test/broker/foundation/csv-import.test.ts` imports every template as it is.
 */
export const IMPORT_TEMPLATES: Record<ImportKind, { header: string[]; sample: string[][] }> = {
  windows: {
    header: ['站点编码', '窗口编号', '窗口名称', '部门编码', '区域', '列', '行'],
    sample: [['HT', 'A-001', '综合受理 1 号', 'TAX', 'A区', '0', '0']],
  },
  accounts: {
    header: ['账号', '姓名', '初始密码', '站点编码', '角色', '部门编码'],
    sample: [['zhangsan', '张三', 'Change-me-123', 'HT', '窗口人员', 'TAX']],
  },
};
