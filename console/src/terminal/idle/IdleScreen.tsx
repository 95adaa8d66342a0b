import type { TerminalContext, WindowApi, WindowLogin } from '../api/window-api';
import { LangSwitch } from '../app/LangSwitch';
import { useI18n } from '../i18n/i18n';
import { Clock } from './Clock';
import { LoginPanel } from './LoginPanel';

/** What the window shows between clerks: where it is, the time, and the login form. */
export function IdleScreen({ api, context, onLoggedIn }: { api: WindowApi; context: TerminalContext; onLoggedIn(login: WindowLogin, username: string): void }) {
  const { t } = useI18n();
  return (
    <main className="idle-screen" data-testid="idle-screen">
      <header className="idle-header">
        <div className="idle-site" data-testid="site-name">
          {context.site?.name ?? context.terminal.name}
        </div>
        <LangSwitch />
      </header>
      <section className="idle-body">
        <div className="idle-place">
          <div className="idle-window-label">{t('idle.window')}</div>
          <div className="idle-window-code" data-testid="window-code">
            {context.window?.code ?? '—'}
          </div>
          {context.window?.label && <div className="idle-window-name">{context.window.label}</div>}
          <div className="idle-department" data-testid="department-name">
            {t('idle.department')}：{context.department?.name ?? t('idle.anyDepartment')}
          </div>
          <Clock />
        </div>
        <div className="idle-login">
          <h1>{t('idle.welcome')}</h1>
          <LoginPanel api={api} windowKey={context.window?.id ?? context.terminal.id} onLoggedIn={onLoggedIn} />
        </div>
      </section>
    </main>
  );
}
