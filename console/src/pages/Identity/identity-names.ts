import { useMemo } from 'react';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useDepartments, usePools } from '../../modules/lookups/lookups';
import type { NameIndex } from './mapping-lines';

export const ROLE_KEYS: Record<string, MessageKey> = {
  clerk: 'role.clerk',
  'site-admin': 'role.site-admin',
  auditor: 'role.auditor',
  'department-reviewer': 'role.department-reviewer',
  admin: 'role.admin',
};

/** Department, pool and role names for the mapping lines, and the role options of a form. */
export function useNameIndex(): { index: NameIndex; roleOptions: { value: string; label: string }[] } {
  const { t } = useI18n();
  const departments = useDepartments().data;
  const pools = usePools().data;
  return useMemo(() => {
    const roles = Object.fromEntries(Object.entries(ROLE_KEYS).map(([code, key]) => [code, t(key)]));
    return {
      index: { departments: departments ?? [], pools: pools ?? [], roles },
      roleOptions: Object.entries(roles).map(([value, label]) => ({ value, label })),
    };
  }, [departments, pools, t]);
}
