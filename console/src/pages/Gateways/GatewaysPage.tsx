import { gateways } from '../../api/resources';
import type { Gateway } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { formatRelative } from '../../i18n/core/format';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';
import { HealthBadge } from '../../modules/status/StatusBadges';

export function GatewaysPage() {
  const { t, lang } = useI18n();
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  return (
    <ResourcePage<Gateway>
      testId="page-gateways"
      title="nav.gateways"
      subtitle="gateway.subtitle"
      resource={gateways}
      nameOf={(g) => g.name}
      filters={[{ name: 'siteId', label: 'gateway.site', kind: 'select', options: options.site }]}
      columns={[
        { key: 'name', sortKey: 'name', header: t('gateway.name'), render: (g) => g.name },
        { key: 'addr', header: t('gateway.address'), render: (g) => <code>{`${g.host}:${g.port}`}</code>, width: 180 },
        { key: 'site', header: t('gateway.site'), render: (g) => (g.siteId ? lookups.siteName(g.siteId) : t('department.countyWide')) },
        { key: 'health', header: t('gateway.health'), render: (g) => <HealthBadge health={g.health} />, width: 90 },
        { key: 'checked', header: t('gateway.lastChecked'), render: (g) => formatRelative(g.lastCheckedAt, lang), width: 120 },
      ]}
      defaults={{ port: 4822 }}
      toValues={(g) => ({ ...g })}
      fields={[
        { name: 'name', label: 'gateway.name', kind: 'text', required: true, placeholder: 'guacd-县中心-1' },
        { name: 'host', label: 'gateway.host', kind: 'text', required: true, placeholder: '10.0.0.10' },
        { name: 'port', label: 'gateway.port', kind: 'number', min: 1, max: 65535 },
        { name: 'siteId', label: 'gateway.site', kind: 'select', options: options.site, nullable: true },
      ]}
    />
  );
}
