import { useSearchParams } from 'react-router-dom';
import { Tabs } from '../../components/Tabs';
import { useI18n } from '../../i18n/i18n';
import { LdapSourcesTab } from './LdapSourcesTab';
import { LoginRulesTab } from './LoginRulesTab';
import { OidcSourcesTab } from './OidcSourcesTab';

const TABS = ['ldap', 'oidc', 'rules'] as const;
type Tab = (typeof TABS)[number];

/** 身份认证: directories, single sign-on providers and login rules (issue 18, docs/IDENTITY.md). */
export function IdentityPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = (TABS as readonly string[]).includes(asked ?? '') ? (asked as Tab) : 'ldap';
  return (
    <div data-testid="page-identity">
      <Tabs<Tab>
        tabs={[
          { key: 'ldap', label: t('identity.tabLdap') },
          { key: 'oidc', label: t('identity.tabOidc') },
          { key: 'rules', label: t('identity.tabRules') },
        ]}
        active={tab}
        onChange={(next) => setParams({ tab: next })}
      />
      {tab === 'ldap' && <LdapSourcesTab />}
      {tab === 'oidc' && <OidcSourcesTab />}
      {tab === 'rules' && <LoginRulesTab />}
    </div>
  );
}
