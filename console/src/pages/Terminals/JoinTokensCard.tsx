import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-error';
import { terminalOpsApi, terminalOpsQueries, type JoinToken, type JoinTokenCreated } from '../../api/terminals-ops';
import { Badge, type Tone } from '../../components/Badge';
import { CopyButton } from '../../components/CopyButton';
import { actionsColumn, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { Card } from '../../components/PageHeader';
import { hasMessage, useI18n } from '../../i18n/i18n';
import { formatDateTime, formatInt } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { QueryView } from '../../components/QueryView';
import { agentInstallCommand } from './agent-install';

/** validity choices in hours; the API allows a week at most */
const HOURS = [1, 24, 72, 168];
const STATE_TONE: Record<string, Tone> = { active: 'ok', expired: 'muted', revoked: 'bad', 'used-up': 'muted' };

/** A town center joins the county with a join token: create, copy (shown once), revoke. */
export function JoinTokensCard() {
  const { t } = useI18n();
  const { canWrite } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  const list = useQuery(terminalOpsQueries.joinTokens());
  const [siteId, setSiteId] = useState('');
  const [label, setLabel] = useState('');
  const [hours, setHours] = useState(24);
  const [maxUses, setMaxUses] = useState('1');
  const [requireApproval, setRequireApproval] = useState(false);
  const [fresh, setFresh] = useState<JoinTokenCreated | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['join-tokens'] });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const tok = await terminalOpsApi.createJoinToken({
        siteId,
        label: label.trim() || null,
        expiresInHours: hours,
        maxUses: Math.max(1, Number(maxUses) || 1),
        requireApproval,
      });
      setFresh(tok);
      setLabel('');
      await refresh();
    } catch (err) {
      feedback.error(err);
    }
  };
  const revoke = async (tok: JoinToken) => {
    if (!(await feedback.confirm({ title: t('joinToken.confirmRevoke'), body: `${tok.label ?? ''} ${tok.tokenPrefix}…`, danger: true }))) return;
    try {
      await terminalOpsApi.revokeJoinToken(tok.id);
      feedback.ok(t('joinToken.revoked'));
    } catch (err) {
      feedback.error(err);
    }
    await refresh();
  };

  const missing = list.error instanceof ApiError && list.error.isMissingEndpoint;
  return (
    <Card title={t('joinToken.title')} testId="join-tokens">
      <p className="muted small">{t('joinToken.help')}</p>
      {missing ? (
        <EmptyState title={t('joinToken.unavailable')} icon="⌛">
          {t('joinToken.unavailableBody')}
        </EmptyState>
      ) : (
        <>
          {canWrite && (
            <form className="inline-form" onSubmit={(e) => void create(e)} data-testid="join-token-form">
              <select value={siteId} onChange={(e) => setSiteId(e.target.value)} required aria-label={t('joinToken.site')}>
                <option value="">{t('joinToken.site')}</option>
                {options.site.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <input placeholder={t('joinToken.label')} value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} />
              <select value={hours} onChange={(e) => setHours(Number(e.target.value))} aria-label={t('joinToken.expires')}>
                {HOURS.map((h) => (
                  <option key={h} value={h}>
                    {t('joinToken.validFor', { hours: formatInt(h) })}
                  </option>
                ))}
              </select>
              <label className="inline-label">
                {t('joinToken.maxUses')}
                <input type="number" min={1} value={maxUses} onChange={(e) => setMaxUses(e.target.value)} style={{ width: 80 }} />
              </label>
              <label className="check">
                <input type="checkbox" checked={requireApproval} onChange={(e) => setRequireApproval(e.target.checked)} />
                {t('joinToken.requireApproval')}
              </label>
              <button className="btn btn-primary" disabled={!siteId}>
                {t('joinToken.create')}
              </button>
            </form>
          )}
          {fresh && (
            <div className="notice notice-ok" data-testid="join-token-fresh">
              <div>{t('joinToken.once')}</div>
              <pre className="secret">{fresh.token}</pre>
              <CopyButton text={fresh.token} />
              <div className="install-command" data-testid="join-token-install">
                <div>{t('joinToken.installHelp')}</div>
                <pre className="secret">{agentInstallCommand(window.location.origin, fresh.token)}</pre>
                <CopyButton text={agentInstallCommand(window.location.origin, fresh.token)} />
              </div>
            </div>
          )}
          <QueryView query={list}>
            {(data) => (
              <DataTable
                rows={data.items}
                rowKey={(x) => x.id}
                empty={<EmptyState title={t('joinToken.empty')} />}
                columns={[
                  { key: 'prefix', header: t('joinToken.token'), render: (x) => <code>{x.tokenPrefix}…</code>, width: 110 },
                  { key: 'label', header: t('joinToken.label'), render: (x) => x.label ?? '—' },
                  { key: 'site', header: t('joinToken.site'), render: (x) => lookups.siteName(x.siteId) },
                  { key: 'uses', header: t('joinToken.uses'), render: (x) => `${formatInt(x.uses)} / ${formatInt(x.maxUses)}`, align: 'right', width: 80 },
                  {
                    key: 'approval',
                    header: t('joinToken.approval'),
                    render: (x) => (x.requireApproval ? t('joinToken.approvalNeeded') : t('joinToken.approvalAuto')),
                    width: 90,
                  },
                  { key: 'expires', header: t('joinToken.expires'), render: (x) => formatDateTime(x.expiresAt), width: 160 },
                  {
                    key: 'state',
                    header: t('joinToken.state'),
                    width: 80,
                    render: (x) => {
                      const key = `joinToken.state.${x.state}`;
                      return <Badge tone={STATE_TONE[x.state] ?? 'neutral'}>{hasMessage(key) ? t(key) : x.state}</Badge>;
                    },
                  },
                  ...actionsColumn(
                    canWrite,
                    (x: JoinToken) =>
                      x.state === 'active' && (
                        <button className="btn btn-small btn-danger-outline" onClick={() => void revoke(x)}>
                          {t('joinToken.revoke')}
                        </button>
                      ),
                    80,
                  ),
                ]}
              />
            )}
          </QueryView>
        </>
      )}
    </Card>
  );
}
