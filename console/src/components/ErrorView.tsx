import { ApiError } from '../api/api-error';
import { useI18n } from '../i18n/i18n';

/** An error as the user should read it: the message in their language, the code underneath. */
export function ErrorView({ error, compact = false }: { error: unknown; compact?: boolean }) {
  const { lang, t } = useI18n();
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const message = api ? api.localized(lang) : t('error.unexpected');
  const issues = api?.issues ?? [];
  const extra = api && typeof api.details.reason === 'string' ? api.details.reason : null;
  return (
    <div className={compact ? 'error-view compact' : 'error-view'} role="alert">
      <div className="error-message">{message}</div>
      {api && <div className="error-code">{t('error.code', { code: api.code })}</div>}
      {extra && <div className="error-detail">{extra}</div>}
      {issues.length > 0 && (
        <ul className="error-issues">
          {issues.map((i, n) => (
            <li key={n}>
              <code>{i.path.replace(/^body\./, '')}</code> {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
