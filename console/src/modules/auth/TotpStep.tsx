import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { authApi, authKeys } from '../../api/auth';
import type { Me } from '../../api/types';
import { ErrorView } from '../../components/ErrorView';
import { useT } from '../../i18n/i18n';

type Enrollment = { secret: string; qrDataUrl: string };

/**
 * A session the broker restricted (docs/IDENTITY.md): an admin without a phone token enrolls
 * one (QR code, first code, recovery codes shown once); after single sign-on, an account with
 * one gives its code. Nothing else of the console opens until then.
 */
export function TotpStep({ me }: { me: Me }) {
  const t = useT();
  const queryClient = useQueryClient();
  const enrolling = me.restriction === 'TOTP_ENROLLMENT_REQUIRED';
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  const done = () => void queryClient.invalidateQueries({ queryKey: authKeys.me });
  const run = async (work: () => Promise<void>) => {
    setPending(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  const start = () => run(async () => setEnrollment(await authApi.totpEnroll()));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (enrolling) setRecovery((await authApi.totpConfirm(code.trim())).recoveryCodes);
      else {
        await authApi.totpVerify(code.trim());
        done();
      }
    });
  };
  const signOut = async () => {
    await authApi.logout().catch(() => undefined);
    queryClient.clear();
    queryClient.setQueryData(authKeys.me, null);
  };

  if (recovery)
    return (
      <div className="login-page">
        <div className="login-card login-card-wide" data-testid="totp-recovery">
          <h1>{t('totp.recoveryTitle')}</h1>
          <p className="muted">{t('totp.recoveryHelp')}</p>
          <ul className="recovery-codes" data-testid="totp-recovery-codes">
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <button className="btn btn-primary btn-block" onClick={done} data-testid="totp-recovery-done">
            {t('totp.recoverySaved')}
          </button>
        </div>
      </div>
    );

  return (
    <div className="login-page">
      <form className="login-card login-card-wide" onSubmit={submit} data-testid={enrolling ? 'totp-enroll' : 'totp-verify'}>
        <h1>{enrolling ? t('totp.enrollTitle') : t('totp.verifyTitle')}</h1>
        <p className="muted">{enrolling ? t('totp.enrollHelp', { name: me.account.displayName }) : t('totp.verifyHelp')}</p>
        {error !== null && <ErrorView error={error} />}
        {enrolling && !enrollment && (
          <button type="button" className="btn btn-primary btn-block" onClick={() => void start()} disabled={pending} data-testid="totp-start">
            {t('totp.start')}
          </button>
        )}
        {enrollment && (
          <div className="totp-qr">
            <img src={enrollment.qrDataUrl} alt={t('totp.qrAlt')} width={240} height={240} data-testid="totp-qr" />
            <div className="muted">
              {t('totp.secretLabel')} <code data-testid="totp-secret">{enrollment.secret}</code>
            </div>
          </div>
        )}
        {(!enrolling || enrollment) && (
          <>
            <label className="field">
              <span className="field-label">{t('totp.code')}</span>
              <input
                name="totpCode"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                maxLength={6}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                autoFocus
                required
              />
            </label>
            <button className="btn btn-primary btn-block" type="submit" disabled={pending || code.trim().length !== 6} data-testid="totp-submit">
              {enrolling ? t('totp.confirm') : t('totp.verify')}
            </button>
          </>
        )}
        <button type="button" className="btn btn-ghost" onClick={() => void signOut()} data-testid="totp-logout">
          {t('auth.logout')}
        </button>
      </form>
    </div>
  );
}
