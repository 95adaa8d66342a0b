import { useQueryClient } from '@tanstack/react-query';
import { authApi, authKeys } from '../../api/auth';
import type { Me } from '../../api/types';
import { useT } from '../../i18n/i18n';
import { PasswordChangeForm } from './PasswordChangeForm';

/**
 * A password someone else chose (an admin's initial or reset password, the generated first-start
 * one): the console opens on this until the owner replaces it; the broker refuses writes until then.
 */
export function ForcedPasswordChange({ me }: { me: Me }) {
  const t = useT();
  const queryClient = useQueryClient();
  const signOut = async () => {
    await authApi.logout().catch(() => undefined);
    queryClient.clear();
    queryClient.setQueryData(authKeys.me, null);
  };
  return (
    <div className="login-page">
      <div className="login-card login-card-wide" data-testid="forced-password-change">
        <h1>{t('password.forcedTitle')}</h1>
        <p className="muted">{t('password.forcedHelp', { name: me.account.displayName })}</p>
        <PasswordChangeForm onDone={() => undefined} />
        <button className="btn btn-ghost" onClick={() => void signOut()} data-testid="forced-logout">
          {t('auth.logout')}
        </button>
      </div>
    </div>
  );
}
