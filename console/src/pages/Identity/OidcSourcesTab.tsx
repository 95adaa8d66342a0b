import { useState } from 'react';
import { identityApi, oidcSources, type OidcProbe, type OidcSource } from '../../api/identity';
import { Badge } from '../../components/Badge';
import { Drawer } from '../../components/Drawer';
import { ErrorView } from '../../components/ErrorView';
import { useI18n } from '../../i18n/i18n';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';
import { useNameIndex } from './identity-names';
import { formatMappings, parseMappings } from './mapping-lines';

/** OpenID Connect providers (the province's 统一身份认证 platform): list, create, edit, 测试连接. */
export function OidcSourcesTab() {
  const { t } = useI18n();
  const { canWrite } = useAuth();
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  const { index, roleOptions } = useNameIndex();
  const [probe, setProbe] = useState<{ source: OidcSource; result: OidcProbe | null; error: unknown } | null>(null);

  const test = async (source: OidcSource) => {
    setProbe({ source, result: null, error: null });
    try {
      setProbe({ source, result: await identityApi.testOidc(source.id), error: null });
    } catch (error) {
      setProbe({ source, result: null, error });
    }
  };

  return (
    <>
      <ResourcePage<OidcSource>
        testId="page-identity-oidc"
        title="identity.oidcTitle"
        subtitle="identity.oidcSubtitle"
        resource={oidcSources}
        nameOf={(s) => s.name}
        columns={[
          { key: 'name', sortKey: 'name', header: t('identity.name'), render: (s) => s.name },
          { key: 'issuer', header: t('identity.issuer'), render: (s) => <code>{s.issuer}</code> },
          { key: 'site', header: t('identity.site'), render: (s) => (s.siteId ? lookups.siteName(s.siteId) : t('department.countyWide')) },
          {
            key: 'enabled',
            header: t('identity.state'),
            width: 80,
            render: (s) => (s.enabled ? <Badge tone="ok">{t('identity.enabled')}</Badge> : <Badge tone="muted">{t('identity.disabled')}</Badge>),
          },
        ]}
        rowActions={(s) =>
          canWrite && (
            <button className="btn btn-small" onClick={() => void test(s)} data-testid="identity-test">
              {t('identity.test')}
            </button>
          )
        }
        defaults={{
          enabled: true,
          redirectUri: `${window.location.origin}/api/v1/auth/oidc/callback`,
          scopes: 'openid profile',
          usernameClaim: 'preferred_username',
          displayNameClaim: 'name',
          allowQr: false,
          defaultRoles: ['clerk'],
        }}
        toValues={(s) => ({
          ...s,
          scopes: s.scopes.join(' '),
          claimMappings: formatMappings(
            s.claimMappings.map((m) => ({ ...m, key: `${m.claim}=${m.value}` })),
            index,
          ),
        })}
        toBody={(body) => {
          const out = { ...body };
          if ('scopes' in out)
            out.scopes = String(out.scopes ?? '')
              .split(/\s+/)
              .filter(Boolean);
          if ('claimMappings' in out) {
            const parsed = parseMappings(String(out.claimMappings ?? ''), index, 'claimMappings', {
              unknown: (name, line) => t('identity.unknownName', { name, line }),
            });
            out.claimMappings = parsed.map(({ key, ...grants }) => {
              const at = key.indexOf('=');
              return at > 0 ? { claim: key.slice(0, at).trim(), value: key.slice(at + 1).trim(), ...grants } : { value: key, ...grants };
            });
          }
          return out;
        }}
        fields={[
          { name: 'name', label: 'identity.name', kind: 'text', required: true, placeholder: '省统一身份认证平台' },
          { name: 'siteId', label: 'identity.site', kind: 'select', options: options.site, nullable: true, help: 'identity.siteHelp' },
          { name: 'enabled', label: 'identity.enabled', kind: 'checkbox' },
          {
            name: 'issuer',
            label: 'identity.issuer',
            kind: 'text',
            required: true,
            placeholder: 'https://tyrz.zwfw.example.gov.cn/oidc',
            section: 'identity.providerSection',
          },
          { name: 'clientId', label: 'identity.clientId', kind: 'text', required: true },
          { name: 'clientSecret', label: 'identity.clientSecret', kind: 'password', help: 'identity.secretHelp' },
          { name: 'redirectUri', label: 'identity.redirectUri', kind: 'text', required: true, help: 'identity.redirectHelp' },
          { name: 'scopes', label: 'identity.scopes', kind: 'text' },
          { name: 'usernameClaim', label: 'identity.usernameClaim', kind: 'text' },
          { name: 'displayNameClaim', label: 'identity.displayNameClaim', kind: 'text' },
          { name: 'allowQr', label: 'identity.allowQr', kind: 'checkbox' },
          {
            name: 'claimMappings',
            label: 'identity.claimMappings',
            kind: 'textarea',
            required: true,
            help: 'identity.claimMappingsHelp',
            section: 'identity.mappingSection',
          },
          { name: 'defaultRoles', label: 'identity.defaultRoles', kind: 'multiselect', options: roleOptions },
        ]}
      />
      {probe && (
        <Drawer title={t('identity.testTitle', { name: probe.source.name })} onClose={() => setProbe(null)} testId="identity-run">
          {probe.error !== null ? (
            <ErrorView error={probe.error} />
          ) : probe.result === null ? (
            <div className="muted">{t('identity.testing')}</div>
          ) : (
            <div data-testid="identity-probe">
              <p>{probe.result.ok ? <Badge tone="ok">{t('identity.probeOk')}</Badge> : <Badge tone="bad">{t('identity.probeFailed')}</Badge>}</p>
              <p>
                <code>{probe.result.authorizationEndpoint ?? probe.result.error}</code> · {probe.result.ms} ms
              </p>
            </div>
          )}
        </Drawer>
      )}
    </>
  );
}
