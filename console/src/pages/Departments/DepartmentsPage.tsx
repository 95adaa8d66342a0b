import { departments } from '../../api/resources';
import type { Department } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';

export function DepartmentsPage() {
  const t = useT();
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  return (
    <ResourcePage<Department>
      testId="page-departments"
      title="nav.departments"
      subtitle="department.subtitle"
      resource={departments}
      nameOf={(d) => d.name}
      filters={[
        { name: 'q', label: 'common.search', kind: 'text' },
        { name: 'siteId', label: 'department.site', kind: 'select', options: options.site },
      ]}
      columns={[
        { key: 'code', sortKey: 'code', header: t('department.code'), render: (d) => <code>{d.code}</code>, width: 120 },
        { key: 'name', sortKey: 'name', header: t('department.name'), render: (d) => d.name },
        { key: 'site', header: t('department.site'), render: (d) => (d.siteId ? lookups.siteName(d.siteId) : t('department.countyWide')) },
      ]}
      defaults={{}}
      toValues={(d) => ({ ...d })}
      fields={[
        { name: 'code', label: 'department.code', kind: 'text', required: true, placeholder: 'TAX' },
        { name: 'name', label: 'department.name', kind: 'text', required: true },
        { name: 'siteId', label: 'department.site', kind: 'select', options: options.site, nullable: true, help: 'department.siteHelp' },
      ]}
    />
  );
}
