import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lockoutApi, lockoutKeys, lockoutQueries } from '../../api/account-lockouts';
import { authApi } from '../../api/auth';
import { accounts } from '../../api/resources';
import type { Account } from '../../api/types';
import { Badge } from '../../components/Badge';
import { useFeedback } from '../../components/Feedback';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { formatRelative } from '../../i18n/core/format';
import { useAuth } from '../../modules/auth/AuthProvider';
import { useLookups } from '../../modules/lookups/lookups';
import { useOptions } from '../../modules/lookups/options';
import { ResourcePage } from '../../modules/resource-page/ResourcePage';

const ROLES: { value: string; label: MessageKey }[] = [
  { value: 'clerk', label: 'role.clerk' },
  { value: 'site-admin', label: 'role.site-admin' },
  { value: 'auditor', label: 'role.auditor' },
  { value: 'department-reviewer', label: 'role.department-reviewer' },
  { value: 'admin', label: 'role.admin' },
];

export function AccountsPage() {
  const { t, lang } = useI18n();
  const { isCountyAdmin, canWrite } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  // held after too many failed sign-ins (the broker's login throttle): 已锁定 with the time left
  const lockouts = useQuery(lockoutQueries.list());
  const heldFor = (a: Account) => lockouts.data?.items.find((l) => l.accountId === a.id)?.retryAfterSeconds ?? null;
  const unlock = async (a: Account) => {
    const ok = await feedback.confirm({
      title: t('account.unlockTitle', { name: a.displayName }),
      body: t('account.unlockBody'),
      confirmLabel: t('account.unlock'),
    });
    if (!ok) return;
    try {
      await lockoutApi.unlock(a.id);
      await queryClient.invalidateQueries({ queryKey: lockoutKeys.all });
      feedback.ok(t('account.unlocked', { name: a.displayName }));
    } catch (err) {
      feedback.error(err);
    }
  };
  // 重置手机令牌: a lost phone; audited by the broker, the account enrolls again at its next sign-in
  const resetTotp = async (a: Account) => {
    if (!(await feedback.confirm({ title: t('totp.reset'), body: t('totp.resetConfirm', { name: a.displayName }), confirmLabel: t('totp.reset') }))) return;
    try {
      await authApi.totpReset(a.id);
      await queryClient.invalidateQueries({ queryKey: accounts.keys.root });
      feedback.ok(t('totp.resetDone'));
    } catch (err) {
      feedback.error(err);
    }
  };
  const lookups = useLookups({ accounts: false, windows: false });
  const options = useOptions();
  // a site admin may not grant county roles: do not offer them
  const roleOptions = ROLES.filter((r) => isCountyAdmin || r.value === 'clerk' || r.value === 'site-admin').map((r) => ({ value: r.value, label: t(r.label) }));
  const roleLabel = (r: string) => t(ROLES.find((x) => x.value === r)?.label ?? 'role.clerk');
  return (
    <ResourcePage<Account>
      testId="page-accounts"
      title="nav.accounts"
      subtitle="account.subtitle"
      resource={accounts}
      importKind="accounts"
      nameOf={(a) => a.displayName}
      filters={[
        { name: 'q', label: 'common.search', kind: 'text' },
        { name: 'role', label: 'account.roles', kind: 'select', options: ROLES.map((r) => ({ value: r.value, label: t(r.label) })) },
        { name: 'homeSiteId', label: 'account.homeSite', kind: 'select', options: options.site },
        { name: 'departmentId', label: 'account.departments', kind: 'select', options: options.department },
      ]}
      columns={[
        { key: 'username', sortKey: 'username', header: t('account.username'), render: (a) => <code>{a.username}</code>, width: 130 },
        { key: 'name', sortKey: 'displayName', header: t('account.displayName'), render: (a) => a.displayName, width: 120 },
        {
          key: 'roles',
          header: t('account.roles'),
          render: (a) =>
            a.roles.map((r) => (
              <Badge key={r} tone={r === 'clerk' ? 'neutral' : 'accent'}>
                {roleLabel(r)}
              </Badge>
            )),
        },
        { key: 'site', header: t('account.homeSite'), render: (a) => (a.homeSiteId ? lookups.siteName(a.homeSiteId) : t('account.county')) },
        { key: 'depts', header: t('account.departments'), render: (a) => a.departmentIds.map((d) => lookups.departmentName(d)).join('、') || '—' },
        { key: 'pools', header: t('account.pools'), render: (a) => a.poolIds.map((p) => lookups.poolName(p)).join('、') || '—' },
        {
          key: 'status',
          header: t('account.status'),
          width: 150,
          render: (a) => {
            const held = heldFor(a);
            if (a.disabled) return <Badge tone="muted">{t('account.disabled')}</Badge>;
            if (a.locked) return <Badge tone="bad">{t('account.locked')}</Badge>;
            if (held !== null)
              return (
                <span data-testid="account-held">
                  <Badge tone="bad">{t('account.heldBadge')}</Badge>{' '}
                  <span className="muted">{t('account.heldFor', { minutes: Math.max(1, Math.ceil(held / 60)) })}</span>
                </span>
              );
            return <Badge tone="ok">{t('account.enabled')}</Badge>;
          },
        },
        { key: 'last', header: t('account.lastLogin'), render: (a) => formatRelative(a.lastLoginAt, lang), width: 110 },
      ]}
      rowActions={(a) =>
        canWrite && (heldFor(a) !== null || a.totpEnabled) ? (
          <>
            {heldFor(a) !== null && (
              <button className="btn btn-small" data-testid="unlock" onClick={() => void unlock(a)}>
                {t('account.unlock')}
              </button>
            )}
            {a.totpEnabled && (
              <button className="btn btn-small" data-testid="totp-reset" onClick={() => void resetTotp(a)}>
                {t('totp.reset')}
              </button>
            )}
          </>
        ) : null
      }
      defaults={{ roles: ['clerk'], departmentIds: [], poolIds: [], disabled: false, locked: false, mustChangePassword: true }}
      toValues={(a) => ({ ...a, password: '' })}
      fields={[
        { name: 'username', label: 'account.username', kind: 'text', required: true, only: 'create' },
        { name: 'displayName', label: 'account.displayName', kind: 'text', required: true },
        { name: 'password', label: 'account.password', kind: 'password', help: 'account.passwordHelp' },
        { name: 'homeSiteId', label: 'account.homeSite', kind: 'select', options: options.site, nullable: true },
        { name: 'roles', label: 'account.roles', kind: 'multiselect', options: roleOptions, required: true },
        { name: 'departmentIds', label: 'account.departments', kind: 'multiselect', options: options.department },
        { name: 'poolIds', label: 'account.pools', kind: 'multiselect', options: options.pool, help: 'account.poolsHelp' },
        { name: 'disabled', label: 'account.disabled', kind: 'checkbox' },
        { name: 'locked', label: 'account.locked', kind: 'checkbox' },
        { name: 'mustChangePassword', label: 'account.mustChangePassword', kind: 'checkbox', help: 'account.mustChangePasswordHelp' },
      ]}
    />
  );
}
