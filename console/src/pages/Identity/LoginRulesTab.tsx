import { loginRules, type LoginRule } from '../../api/identity';
import { Badge } from '../../components/Badge';
import { useI18n } from '../../i18n/i18n';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';
import { useNameIndex } from './identity-names';
import { lines } from './mapping-lines';

const HOURS = ['hoursFrom', 'hoursTo', 'workingDaysOnly', 'timeZone'] as const;

/** Login rules: who may log in at which sites' windows, when, and from which networks to the console. */
export function LoginRulesTab() {
  const { t } = useI18n();
  const lookups = useLookups({ windows: false });
  const options = useOptions();
  const { roleOptions } = useNameIndex();
  const accountOptions = [...lookups.account.values()].map((a) => ({ value: a.id, label: `${a.displayName}（${a.username}）` }));

  const appliesTo = (r: LoginRule) => {
    const who = [
      ...r.roles.map((role) => roleOptions.find((o) => o.value === role)?.label ?? role),
      ...r.departmentIds.map((id) => lookups.departmentName(id)),
      ...r.accountIds.map((id) => lookups.accountName(id)),
    ];
    return who.length ? who.join('、') : t('identity.ruleEveryone');
  };
  const limits = (r: LoginRule) => {
    const out: string[] = [];
    if (r.windowsAtHomeSite) out.push(t('identity.ruleHomeSite'));
    if (r.allowedSiteIds.length) out.push(t('identity.ruleSites', { sites: r.allowedSiteIds.map((id) => lookups.siteName(id)).join('、') }));
    if (r.hours) out.push(t(r.hours.workingDaysOnly ? 'identity.ruleHoursWorking' : 'identity.ruleHours', { from: r.hours.from, to: r.hours.to }));
    if (r.consoleNetworks.length) out.push(t('identity.ruleNetworks', { networks: r.consoleNetworks.join(', ') }));
    return out.join('；');
  };

  return (
    <ResourcePage<LoginRule>
      testId="page-identity-rules"
      title="identity.rulesTitle"
      subtitle="identity.rulesSubtitle"
      resource={loginRules}
      nameOf={(r) => r.name}
      columns={[
        { key: 'name', sortKey: 'name', header: t('identity.name'), render: (r) => r.name },
        { key: 'site', header: t('identity.site'), render: (r) => (r.siteId ? lookups.siteName(r.siteId) : t('department.countyWide')) },
        { key: 'who', header: t('identity.ruleAppliesTo'), render: appliesTo },
        { key: 'limits', header: t('identity.ruleLimits'), render: limits },
        {
          key: 'enabled',
          header: t('identity.state'),
          width: 80,
          render: (r) => (r.enabled ? <Badge tone="ok">{t('identity.enabled')}</Badge> : <Badge tone="muted">{t('identity.disabled')}</Badge>),
        },
      ]}
      defaults={{ enabled: true, workingDaysOnly: true, timeZone: 'Asia/Shanghai', roles: [], departmentIds: [], accountIds: [], allowedSiteIds: [] }}
      toValues={(r) => ({
        ...r,
        hoursFrom: r.hours?.from ?? '',
        hoursTo: r.hours?.to ?? '',
        workingDaysOnly: r.hours?.workingDaysOnly ?? true,
        timeZone: r.hours?.timeZone ?? 'Asia/Shanghai',
        consoleNetworks: r.consoleNetworks.join('\n'),
      })}
      toBody={(body, values) => {
        const out = { ...body };
        if ('consoleNetworks' in out) out.consoleNetworks = lines(out.consoleNetworks);
        // the four hour fields are one object: any of them changed sends the whole of it (or null: no hours)
        if (HOURS.some((k) => k in out)) {
          const from = String(values.hoursFrom ?? '').trim();
          const to = String(values.hoursTo ?? '').trim();
          out.hours = from || to ? { from, to, workingDaysOnly: Boolean(values.workingDaysOnly), timeZone: String(values.timeZone || 'Asia/Shanghai') } : null;
          for (const k of HOURS) delete out[k];
        }
        return out;
      }}
      fields={[
        { name: 'name', label: 'identity.name', kind: 'text', required: true, placeholder: '城关镇窗口人员只在本镇登录' },
        { name: 'siteId', label: 'identity.site', kind: 'select', options: options.site, nullable: true, help: 'identity.ruleSiteHelp' },
        { name: 'enabled', label: 'identity.enabled', kind: 'checkbox' },
        {
          name: 'roles',
          label: 'identity.ruleRoles',
          kind: 'multiselect',
          options: roleOptions,
          section: 'identity.ruleWhoSection',
          help: 'identity.ruleWhoHelp',
        },
        { name: 'departmentIds', label: 'identity.ruleDepartments', kind: 'multiselect', options: options.department },
        { name: 'accountIds', label: 'identity.ruleAccounts', kind: 'multiselect', options: accountOptions },
        { name: 'windowsAtHomeSite', label: 'identity.ruleHomeSite', kind: 'checkbox', section: 'identity.ruleWhereSection' },
        { name: 'allowedSiteIds', label: 'identity.ruleAllowedSites', kind: 'multiselect', options: options.site },
        { name: 'hoursFrom', label: 'identity.ruleFrom', kind: 'text', placeholder: '08:00', section: 'identity.ruleWhenSection' },
        { name: 'hoursTo', label: 'identity.ruleTo', kind: 'text', placeholder: '18:00' },
        { name: 'workingDaysOnly', label: 'identity.ruleWorkingDays', kind: 'checkbox' },
        { name: 'timeZone', label: 'identity.ruleTimeZone', kind: 'text' },
        {
          name: 'consoleNetworks',
          label: 'identity.ruleNetworksField',
          kind: 'textarea',
          help: 'identity.ruleNetworksHelp',
          section: 'identity.ruleConsoleSection',
        },
      ]}
    />
  );
}
