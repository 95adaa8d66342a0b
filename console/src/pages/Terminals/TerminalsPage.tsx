import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { terminals } from '../../api/resources';
import { terminalOpsApi } from '../../api/terminals-ops';
import type { Terminal } from '../../api/types';
import { Badge } from '../../components/Badge';
import { CopyButton } from '../../components/CopyButton';
import { Drawer } from '../../components/Drawer';
import { useFeedback } from '../../components/Feedback';
import { useI18n } from '../../i18n/i18n';
import { formatRelative } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { TerminalCommands } from '../../modules/hall-map/TerminalCommands';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';
import { BulkCommandsCard } from './BulkCommandsCard';
import { JoinTokensCard } from './JoinTokensCard';
import { PowerSchedulesCard } from './PowerSchedulesCard';

export function TerminalsPage() {
  const { t, lang } = useI18n();
  const { canWrite } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const lookups = useLookups({ accounts: false });
  const options = useOptions();
  const [commanding, setCommanding] = useState<Terminal | null>(null);
  const windowOptions = [...lookups.window.values()]
    .sort((a, b) => a.code.localeCompare(b.code, 'zh-CN', { numeric: true }))
    .map((w) => ({ value: w.id, label: `${w.code} · ${lookups.siteName(w.siteId)}` }));

  const setState = async (term: Terminal, action: 'approve' | 'revoke') => {
    if (
      action === 'revoke' &&
      !(await feedback.confirm({ title: t('terminal.confirmRevokeTitle', { name: term.name }), body: t('terminal.confirmRevokeBody'), danger: true }))
    )
      return;
    try {
      await terminalOpsApi.setEnrollment(term.id, action);
      feedback.ok(t('common.savedOk'));
    } catch (err) {
      feedback.error(err);
    }
    await queryClient.invalidateQueries({ queryKey: terminals.keys.root });
  };

  return (
    <>
      <ResourcePage<Terminal>
        testId="page-terminals"
        title="nav.terminals"
        subtitle="terminal.subtitle"
        resource={terminals}
        nameOf={(x) => x.name}
        filters={[
          { name: 'q', label: 'common.search', kind: 'text' },
          { name: 'siteId', label: 'terminal.site', kind: 'select', options: options.site },
          {
            name: 'online',
            label: 'terminal.status',
            kind: 'select',
            options: [
              { value: 'true', label: t('terminal.online') },
              { value: 'false', label: t('terminal.offline') },
            ],
          },
          {
            name: 'state',
            label: 'terminal.enrollment',
            kind: 'select',
            options: (['pending', 'active', 'revoked'] as const).map((s) => ({ value: s, label: t(`terminal.state.${s}`) })),
          },
        ]}
        columns={[
          { key: 'name', sortKey: 'name', header: t('terminal.name'), render: (x) => <b>{x.name}</b> },
          { key: 'site', header: t('terminal.site'), render: (x) => lookups.siteName(x.siteId) },
          { key: 'window', header: t('terminal.window'), render: (x) => (x.windowId ? lookups.windowCode(x.windowId) : '—'), width: 90 },
          {
            key: 'online',
            header: t('terminal.status'),
            render: (x) => <Badge tone={x.online ? 'ok' : 'muted'}>{x.online ? t('terminal.online') : t('terminal.offline')}</Badge>,
            width: 70,
          },
          {
            key: 'state',
            header: t('terminal.enrollment'),
            render: (x) => (
              <Badge tone={x.state === 'active' ? 'ok' : x.state === 'pending' ? 'warn' : 'bad'}>
                {t(`terminal.state.${x.state}` as 'terminal.state.active')}
              </Badge>
            ),
            width: 80,
          },
          { key: 'seen', sortKey: 'lastSeenAt', header: t('terminal.lastSeen'), render: (x) => formatRelative(x.lastSeenAt, lang), width: 110 },
          { key: 'addr', header: t('terminal.address'), render: (x) => x.address ?? '—', width: 120 },
          { key: 'ver', header: t('terminal.agentVersion'), render: (x) => x.agentVersion ?? '—', width: 90 },
        ]}
        rowActions={(x) => (
          <>
            {canWrite && x.state === 'pending' && (
              <button className="btn btn-small btn-primary" onClick={() => void setState(x, 'approve')}>
                {t('terminal.approve')}
              </button>
            )}
            {canWrite && x.state === 'active' && (
              <button className="btn btn-small" onClick={() => void setState(x, 'revoke')}>
                {t('terminal.revoke')}
              </button>
            )}
            <button className="btn btn-small" onClick={() => setCommanding(x)}>
              {t('terminal.commands')}
            </button>
          </>
        )}
        defaults={{}}
        toValues={(x) => ({ ...x })}
        fields={[
          { name: 'siteId', label: 'terminal.site', kind: 'select', options: options.site, required: true, only: 'create' },
          { name: 'name', label: 'terminal.name', kind: 'text', required: true },
          { name: 'windowId', label: 'terminal.window', kind: 'select', options: windowOptions, nullable: true },
          { name: 'hardwareId', label: 'terminal.hardwareId', kind: 'text', nullable: true, only: 'create' },
        ]}
        afterCreate={(created) => (
          <div>
            <p>{t('terminal.credentialOnce')}</p>
            <pre className="secret" data-testid="terminal-credential">
              {String(created.credential ?? '')}
            </pre>
            <CopyButton text={String(created.credential ?? '')} />
          </div>
        )}
      />
      {canWrite && <BulkCommandsCard />}
      <PowerSchedulesCard canWrite={canWrite} />
      <JoinTokensCard />
      {commanding && (
        <Drawer title={t('terminal.commandsOf', { name: commanding.name })} onClose={() => setCommanding(null)}>
          <TerminalCommands terminal={commanding} canWrite={canWrite} />
        </Drawer>
      )}
    </>
  );
}
