import { useQuery, useQueryClient } from '@tanstack/react-query';
import { isErrorCode } from '@yunzhuo/protocol/errors';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, isApiError } from '../../api/api-error';
import { authApi, authKeys } from '../../api/auth';
import { API_BASE } from '../../api/client';
import { ErrorView } from '../../components/ErrorView';
import { useI18n } from '../../i18n/i18n';

/**
 * A single sign-on the broker refused comes back as `#oidcError=CODE` (never a JSON page): the
 * refusal as an error of the page, the fragment removed so a reload does not show it again.
 */
function oidcRefusal(): ApiError | null {
  const code = new URLSearchParams(window.location.hash.slice(1)).get('oidcError');
  if (!code) return null;
  return new ApiError(0, isErrorCode(code) ? code : 'OIDC_SIGN_IN_FAILED', '');
}

export function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(oidcRefusal);
  useEffect(() => {
    if (window.location.hash.includes('oidcError=')) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);
  const [pending, setPending] = useState(false);
  /** shown once the broker asks for the phone token's code (TOTP_REQUIRED) */
  const [askCode, setAskCode] = useState(false);
  const [totpCode, setTotpCode] = useState('');
  const sources = useQuery({ queryKey: ['auth', 'oidc-sources'], queryFn: authApi.oidcSources, retry: false, staleTime: 60_000 });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const me = await authApi.login(username.trim(), password, askCode ? totpCode.trim() : undefined);
      queryClient.setQueryData(authKeys.me, me);
    } catch (err) {
      if (isApiError(err, 'TOTP_REQUIRED')) setAskCode(true);
      else setError(err);
      setPending(false);
    }
  };

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <div className="brand login-brand">
          <span className="brand-mark">云</span>
          <div>
            <div className="brand-name">{t('app.name')}</div>
            <div className="brand-sub">{t('app.subtitle')}</div>
          </div>
        </div>
        <h1>{t('auth.title')}</h1>
        {error !== null && <ErrorView error={error} />}
        <label className="field">
          <span className="field-label">{t('auth.username')}</span>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus required />
        </label>
        <label className="field">
          <span className="field-label">{t('auth.password')}</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {askCode && (
          <label className="field">
            <span className="field-label">{t('totp.code')}</span>
            <input
              name="totpCode"
              autoComplete="one-time-code"
              value={totpCode}
              onChange={(e) => setTotpCode(e.target.value)}
              placeholder={t('totp.codeOrRecovery')}
              autoFocus
              required
            />
          </label>
        )}
        <button className="btn btn-primary btn-block" type="submit" disabled={pending || !username || !password || (askCode && totpCode.trim().length < 6)}>
          {pending ? t('auth.signingIn') : t('auth.signIn')}
        </button>
        {(sources.data?.items ?? []).map((s) => (
          <a
            key={s.id}
            className="btn btn-block"
            href={`${API_BASE}/auth/oidc/${s.id}/start?returnTo=${encodeURIComponent('/console/')}`}
            data-testid="login-sso"
          >
            {t('auth.sso', { name: s.name })}
          </a>
        ))}
        <div className="login-foot">
          <span className="muted">{t('auth.hint')}</span>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')} data-testid="login-lang">
            {lang === 'en' ? '中文' : 'English'}
          </button>
        </div>
      </form>
    </div>
  );
}
