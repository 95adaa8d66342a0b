import { sites } from '../../api/resources';
import type { Site } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { formatDateTime } from '../../i18n/core/format';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';

export function SitesPage() {
  const t = useT();
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  const kinds = [
    { value: 'county', label: t('site.kind.county') },
    { value: 'town', label: t('site.kind.town') },
    { value: 'other', label: t('site.kind.other') },
  ];
  return (
    <ResourcePage<Site>
      testId="page-sites"
      title="nav.sites"
      subtitle="site.subtitle"
      resource={sites}
      nameOf={(s) => s.name}
      filters={[{ name: 'q', label: 'common.search', kind: 'text' }]}
      columns={[
        { key: 'code', sortKey: 'code', header: t('site.code'), render: (s) => <code>{s.code}</code>, width: 110 },
        { key: 'name', sortKey: 'name', header: t('site.name'), render: (s) => s.name },
        { key: 'kind', header: t('site.kind'), render: (s) => kinds.find((k) => k.value === s.kind)?.label ?? s.kind, width: 110 },
        { key: 'parent', header: t('site.parent'), render: (s) => (s.parentId ? (s.parentName ?? lookups.siteName(s.parentId)) : '—') },
        { key: 'address', header: t('site.address'), render: (s) => s.address ?? '—' },
        { key: 'created', sortKey: 'createdAt', header: t('common.createdAt'), render: (s) => formatDateTime(s.createdAt), width: 160 },
      ]}
      defaults={{ kind: 'town', parentId: '' }}
      toValues={(s) => ({ ...s })}
      fields={[
        { name: 'parentId', label: 'site.parent', kind: 'select', options: options.site, only: 'create', nullable: true, help: 'site.parentHelp' },
        { name: 'code', label: 'site.code', kind: 'text', required: true, placeholder: 'HT-XZ' },
        { name: 'name', label: 'site.name', kind: 'text', required: true },
        { name: 'kind', label: 'site.kind', kind: 'select', options: kinds, required: true },
        { name: 'address', label: 'site.address', kind: 'text', nullable: true },
      ]}
    />
  );
}
