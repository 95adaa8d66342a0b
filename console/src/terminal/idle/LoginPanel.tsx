import { useEffect, useRef, useState, type FormEvent } from 'react';
import { isWindowApiError, WindowApiError, type WindowApi, type WindowLogin } from '../api/window-api';
import { ErrorNotice } from '../app/ErrorNotice';
import { mark, startLoginMarks } from '../guac/timing-marks';
import { useI18n } from '../i18n/i18n';
import { PoolChoice, type PoolOption } from './PoolChoice';
import { rememberPool, rememberedPool } from './pool-memory';
import { useWindowSso } from './use-window-sso';
import { QrSignIn } from './QrSignIn';
import { useQrSignIn } from './use-qr-sign-in';

interface Props {
  api: WindowApi;
  /** remembers the pool choice per window */
  windowKey: string;
  onLoggedIn(login: WindowLogin, username: string): void;
  onCancel?: () => void;
  initialUsername?: string;
  /** 「+ 其他部门」: pools of the desktops already held here, left out of the choice */
  exceptPoolIds?: readonly string[];
}

function asApiError(error: unknown): WindowApiError {
  return isWindowApiError(error) ? error : new WindowApiError(0, 'NETWORK', String(error));
}

/** Account + password; a pool choice when the clerk may use several departments' desktops. */
export function LoginPanel({ api, windowKey, onLoggedIn, onCancel, initialUsername = '', exceptPoolIds = [] }: Props) {
  const { t } = useI18n();
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [pools, setPools] = useState<PoolOption[] | null>(null);
  const [error, setError] = useState<WindowApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const sso = useWindowSso(api, exceptPoolIds.length === 0);
  const [qrSource, setQrSource] = useState<{ id: string; name: string } | null>(null);
  // the phone signed in: the window logs in with the ticket at once, like back from the provider
  const qr = useQrSignIn(api, qrSource?.id ?? null, (ticket) => {
    setQrSource(null);
    void attempt(performance.now(), undefined, ticket);
  });

  async function attempt(startedAt: number, poolId?: string, qrTicket?: string) {
    setBusy(true);
    setError(null);
    startLoginMarks(startedAt);
    try {
      const ticket = qrTicket ?? sso.ticket;
      const login = ticket ? await api.oidcLogin(ticket, poolId, exceptPoolIds) : await api.login(username.trim(), password, poolId, exceptPoolIds);
      const who = 'username' in login && typeof login.username === 'string' ? login.username : username.trim();
      mark({
        loginAnsweredAt: performance.now(),
        authMs: login.timing.authMs,
        brokerMs: login.timing.brokerMs,
        sessionId: login.session.id,
        reconnected: login.session.reconnected,
      });
      if (poolId) rememberPool(windowKey, poolId);
      setPassword('');
      setPools(null);
      sso.setTicket(null);
      onLoggedIn(login, who);
    } catch (caught) {
      const failure = asApiError(caught);
      const offered = failure.code === 'POOL_CHOICE_REQUIRED' ? failure.details.pools : null;
      // a provider's ticket is used once: the broker hands a new one with the pool choice
      sso.setTicket(typeof failure.details.ticket === 'string' ? failure.details.ticket : null);
      if (Array.isArray(offered) && offered.length > 0) {
        setPools(offered as PoolOption[]);
      } else {
        setPools(null);
        setError(failure);
        setPassword('');
        window.setTimeout(() => passwordRef.current?.focus(), 0);
      }
    } finally {
      setBusy(false);
    }
  }

  // back from the provider with a ticket: log in with it at once (no form)
  useEffect(() => {
    if (sso.ticket && !busy) void attempt(performance.now());
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the page comes back with a ticket
  }, [sso.arrived]);
  useEffect(() => {
    if (sso.refusal) setError(sso.refusal);
  }, [sso.refusal]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !username.trim() || !password) return;
    void attempt(e.timeStamp);
  }

  if (qrSource) return <QrSignIn name={qrSource.name} view={qr} onBack={() => setQrSource(null)} />;
  if (pools) {
    return (
      <PoolChoice
        pools={pools}
        remembered={exceptPoolIds.length ? null : rememberedPool(windowKey)}
        busy={busy}
        onChoose={(poolId) => void attempt(performance.now(), poolId)}
        onBack={() => {
          setPools(null);
          setPassword('');
          sso.setTicket(null);
        }}
      />
    );
  }
  return (
    <form className="login-form" onSubmit={submit} data-testid="login-form" autoComplete="off">
      <label>
        <span>{t('login.username')}</span>
        <input
          name="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoFocus={!initialUsername}
          disabled={busy}
          autoCapitalize="off"
          spellCheck={false}
        />
      </label>
      <label>
        <span>{t('login.password')}</span>
        <input
          ref={passwordRef}
          name="password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoFocus={!!initialUsername}
          disabled={busy}
        />
      </label>
      {error && <ErrorNotice error={error} testId="login-error" />}
      <div className="form-actions">
        <button type="submit" className="btn-primary" data-testid="login-submit" disabled={busy || !username.trim() || !password}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        {onCancel && (
          <button type="button" className="btn-secondary" onClick={onCancel} disabled={busy}>
            {t('login.cancel')}
          </button>
        )}
      </div>
      {sso.sources.length > 0 && (
        <div className="sso-actions">
          <span className="sso-or">{t('login.or')}</span>
          {sso.sources.map((source) => (
            <button
              key={source.id}
              type="button"
              className="btn-secondary"
              data-testid="login-sso"
              disabled={busy || sso.leaving}
              onClick={() => void sso.go(source.id).catch((caught: unknown) => setError(asApiError(caught)))}
            >
              {t('login.sso', { name: source.name })}
            </button>
          ))}
          {sso.sources
            .filter((source) => source.qr)
            .map((source) => (
              <button
                key={`qr-${source.id}`}
                type="button"
                className="btn-secondary"
                data-testid="login-qr"
                disabled={busy || sso.leaving}
                onClick={() => {
                  setError(null);
                  setQrSource(source);
                }}
              >
                {sso.sources.filter((s) => s.qr).length > 1 ? t('login.qrNamed', { name: source.name }) : t('login.qr')}
              </button>
            ))}
        </div>
      )}
    </form>
  );
}
