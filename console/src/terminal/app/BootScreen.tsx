import type { WindowApiError } from '../api/window-api';
import { useI18n } from '../i18n/i18n';
import { ErrorNotice } from './ErrorNotice';
import { LangSwitch } from './LangSwitch';

/** Before the idle screen: no credential, a refused one, or the broker not reachable yet. */
export function BootScreen({
  state,
}: {
  state: { kind: 'no-credential' } | { kind: 'loading'; retryInSeconds: number | null } | { kind: 'refused'; error: WindowApiError };
}) {
  const { t } = useI18n();
  return (
    <main className="boot-screen" data-testid="boot-screen">
      <LangSwitch />
      {state.kind === 'no-credential' && (
        <>
          <h1>{t('boot.noCredential')}</h1>
          <p>{t('boot.noCredentialBody')}</p>
        </>
      )}
      {state.kind === 'loading' && (
        <h1 className="calm">{state.retryInSeconds === null ? t('boot.loading') : t('boot.retrying', { seconds: state.retryInSeconds })}</h1>
      )}
      {state.kind === 'refused' && (
        <>
          <h1>{t('boot.refused')}</h1>
          <ErrorNotice error={state.error} testId="boot-error" />
        </>
      )}
    </main>
  );
}
