import type { WindowApiError } from '../api/window-api';
import { errorText, useI18n } from '../i18n/i18n';

/** A refusal as one plain sentence, with the code underneath for the IT center. Never a stack trace. */
export function ErrorNotice({ error, testId }: { error: WindowApiError; testId?: string }) {
  const { t, lang } = useI18n();
  let sentence: string;
  if (error.code === 'NETWORK') sentence = t('error.NETWORK');
  else if (error.code === 'NOT_ENTITLED' && error.details.reason === 'no pool for this account') sentence = t('error.NOT_ENTITLED.none');
  else sentence = errorText(error.code, lang, error.details) ?? t('error.NETWORK');
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={error.code}>
      <p className="notice-text">{sentence}</p>
      <p className="notice-code">
        {t('error.code')} {error.code}
      </p>
    </div>
  );
}
