import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';
import type { WindowScreenState } from './use-window-screen';

const TITLE: Record<'info' | 'warning' | 'urgent', MessageKey> = { info: 'screen.level.info', warning: 'screen.level.warning', urgent: 'screen.level.urgent' };

/** What an admin put on this window's screen: notices on top, and the lock over everything. */
export function ScreenOverlay({ notices, locked, dismiss }: Pick<WindowScreenState, 'notices' | 'locked'> & { dismiss(id: string): void }) {
  const { t } = useI18n();
  return (
    <>
      {notices.length > 0 && (
        <div className="screen-notices" aria-live="assertive">
          {notices.map((n) => (
            <div key={n.id} className={`screen-notice screen-notice-${n.level}`} role="alert" data-testid="screen-notice" data-level={n.level}>
              <div className="screen-notice-title">{t(TITLE[n.level])}</div>
              <p className="screen-notice-text">{n.text}</p>
              <button className="screen-notice-ok" onClick={() => dismiss(n.id)}>
                {t('screen.ok')}
              </button>
            </div>
          ))}
        </div>
      )}
      {locked && (
        <div className="screen-lock" data-testid="screen-lock" role="alert">
          <div className="screen-lock-title">{t('screen.lockedTitle')}</div>
          <p>{t('screen.lockedText')}</p>
        </div>
      )}
    </>
  );
}
