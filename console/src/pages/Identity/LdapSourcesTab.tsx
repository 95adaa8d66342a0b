import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { identityApi, ldapSources, type LdapProbe, type LdapSource } from '../../api/identity';
import { Badge } from '../../components/Badge';
import { Drawer } from '../../components/Drawer';
import { ErrorView } from '../../components/ErrorView';
import { useFeedback } from '../../components/Feedback';
import { formatRelative } from '../../i18n/core/format';
import { useI18n } from '../../i18n/i18n';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';
import { useNameIndex } from './identity-names';
import { formatMappings, lines, parseMappings } from './mapping-lines';

type Run = { source: LdapSource; kind: 'test' | 'sync'; result: LdapProbe | { checked: number; disabled: number } | null; error: unknown };

/** LDAP / Active Directory sources: list, create, edit, 测试连接, 立即同步 (docs/IDENTITY.md). */
export function LdapSourcesTab() {
  const { t, lang } = useI18n();
  const { canWrite } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  const { index, roleOptions } = useNameIndex();
  const [run, setRun] = useState<Run | null>(null);

  const start = async (source: LdapSource, kind: Run['kind']) => {
    setRun({ source, kind, result: null, error: null });
    try {
      const result = kind === 'test' ? await identityApi.testLdap(source.id) : await identityApi.syncLdap(source.id);
      setRun({ source, kind, result, error: null });
      if (kind === 'sync') {
        feedback.ok(t('identity.syncDone', { checked: (result as { checked: number }).checked, disabled: (result as { disabled: number }).disabled }));
        await queryClient.invalidateQueries({ queryKey: ldapSources.keys.root });
      }
    } catch (error) {
      setRun({ source, kind, result: null, error });
    }
  };

  return (
    <>
      <ResourcePage<LdapSource>
        testId="page-identity-ldap"
        title="identity.ldapTitle"
        subtitle="identity.ldapSubtitle"
        resource={ldapSources}
        nameOf={(s) => s.name}
        columns={[
          { key: 'name', sortKey: 'name', header: t('identity.name'), render: (s) => s.name },
          { key: 'urls', header: t('identity.urls'), render: (s) => <code>{s.urls.join('  ')}</code> },
          { key: 'site', header: t('identity.site'), render: (s) => (s.siteId ? lookups.siteName(s.siteId) : t('department.countyWide')) },
          {
            key: 'enabled',
            header: t('identity.state'),
            width: 80,
            render: (s) => (s.enabled ? <Badge tone="ok">{t('identity.enabled')}</Badge> : <Badge tone="muted">{t('identity.disabled')}</Badge>),
          },
          { key: 'sync', header: t('identity.lastSync'), width: 120, render: (s) => (s.lastSyncAt ? formatRelative(s.lastSyncAt, lang) : t('identity.never')) },
        ]}
        rowActions={(s) =>
          canWrite && (
            <>
              <button className="btn btn-small" onClick={() => void start(s, 'test')} data-testid="identity-test">
                {t('identity.test')}
              </button>
              <button className="btn btn-small" onClick={() => void start(s, 'sync')} data-testid="identity-sync">
                {t('identity.syncNow')}
              </button>
            </>
          )
        }
        defaults={{
          enabled: true,
          flavor: 'openldap',
          bindMode: 'search',
          timeoutMs: 5000,
          userFilter: '(uid={username})',
          loginAttribute: 'uid',
          displayNameAttribute: 'cn',
          defaultRoles: ['clerk'],
          syncIntervalMinutes: 60,
        }}
        toValues={(s) => ({
          ...s,
          urls: s.urls.join('\n'),
          groupMappings: formatMappings(
            s.groupMappings.map((m) => ({ ...m, key: m.groupDn })),
            index,
          ),
        })}
        toBody={(body) => {
          const out = { ...body };
          if ('urls' in out) out.urls = lines(out.urls);
          if ('groupMappings' in out) {
            const parsed = parseMappings(String(out.groupMappings ?? ''), index, 'groupMappings', {
              unknown: (name, line) => t('identity.unknownName', { name, line }),
            });
            out.groupMappings = parsed.map(({ key, ...grants }) => ({ groupDn: key, ...grants }));
          }
          return out;
        }}
        fields={[
          { name: 'name', label: 'identity.name', kind: 'text', required: true, placeholder: '县政务外网目录' },
          { name: 'siteId', label: 'identity.site', kind: 'select', options: options.site, nullable: true, help: 'identity.siteHelp' },
          { name: 'enabled', label: 'identity.enabled', kind: 'checkbox' },
          {
            name: 'flavor',
            label: 'identity.flavor',
            kind: 'select',
            required: true,
            options: [
              { value: 'openldap', label: 'OpenLDAP' },
              { value: 'ad', label: 'Active Directory' },
            ],
          },
          { name: 'urls', label: 'identity.urls', kind: 'textarea', required: true, help: 'identity.urlsHelp', section: 'identity.serverSection' },
          { name: 'startTls', label: 'identity.startTls', kind: 'checkbox' },
          { name: 'caCertificate', label: 'identity.caCertificate', kind: 'textarea', nullable: true, help: 'identity.caHelp' },
          { name: 'timeoutMs', label: 'identity.timeoutMs', kind: 'number', min: 200, max: 60000 },
          { name: 'baseDn', label: 'identity.baseDn', kind: 'text', required: true, placeholder: 'ou=people,dc=county,dc=gov' },
          {
            name: 'bindMode',
            label: 'identity.bindMode',
            kind: 'select',
            required: true,
            section: 'identity.bindSection',
            options: [
              { value: 'search', label: t('identity.bindSearch') },
              { value: 'user', label: t('identity.bindUser') },
            ],
          },
          { name: 'serviceDn', label: 'identity.serviceDn', kind: 'text', nullable: true, placeholder: 'cn=yunzhuo,dc=county,dc=gov' },
          { name: 'servicePassword', label: 'identity.servicePassword', kind: 'password', help: 'identity.secretHelp' },
          { name: 'userDnTemplate', label: 'identity.userDnTemplate', kind: 'text', nullable: true, placeholder: 'uid={username},ou=people,dc=county,dc=gov' },
          { name: 'userFilter', label: 'identity.userFilter', kind: 'text', placeholder: '(sAMAccountName={username})' },
          { name: 'loginAttribute', label: 'identity.loginAttribute', kind: 'text' },
          { name: 'displayNameAttribute', label: 'identity.displayNameAttribute', kind: 'text' },
          { name: 'groupBaseDn', label: 'identity.groupBaseDn', kind: 'text', nullable: true, section: 'identity.mappingSection' },
          { name: 'groupMappings', label: 'identity.groupMappings', kind: 'textarea', nullable: true, help: 'identity.groupMappingsHelp' },
          { name: 'defaultRoles', label: 'identity.defaultRoles', kind: 'multiselect', options: roleOptions },
          { name: 'syncIntervalMinutes', label: 'identity.syncInterval', kind: 'number', min: 5, max: 10080 },
        ]}
      />
      {run && (
        <Drawer
          title={t(run.kind === 'test' ? 'identity.testTitle' : 'identity.syncTitle', { name: run.source.name })}
          onClose={() => setRun(null)}
          testId="identity-run"
        >
          {run.error !== null ? (
            <ErrorView error={run.error} />
          ) : run.result === null ? (
            <div className="muted" data-testid="identity-running">
              {t(run.kind === 'test' ? 'identity.testing' : 'identity.syncing')}
            </div>
          ) : 'servers' in run.result ? (
            <ProbeView probe={run.result} />
          ) : (
            <p data-testid="identity-sync-result">{t('identity.syncDone', { checked: run.result.checked, disabled: run.result.disabled })}</p>
          )}
        </Drawer>
      )}
    </>
  );
}

function ProbeView({ probe }: { probe: LdapProbe }) {
  const { t } = useI18n();
  return (
    <div data-testid="identity-probe">
      <p>{probe.ok ? <Badge tone="ok">{t('identity.probeOk')}</Badge> : <Badge tone="bad">{t('identity.probeFailed')}</Badge>}</p>
      <table className="table">
        <tbody>
          {probe.servers.map((s) => (
            <tr key={s.url} data-testid="identity-probe-server">
              <td>
                <code>{s.url}</code>
              </td>
              <td>{s.ok ? <Badge tone="ok">{t('identity.serverOk')}</Badge> : <Badge tone="bad">{t('identity.serverDown')}</Badge>}</td>
              <td style={{ whiteSpace: 'nowrap' }}>{s.ms} ms</td>
              <td className="muted">{s.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {probe.users !== null && <p>{t('identity.probeUsers', { count: probe.users })}</p>}
    </div>
  );
}
