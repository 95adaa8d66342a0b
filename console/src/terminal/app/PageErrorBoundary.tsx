import { Component, type ReactNode } from 'react';
import { translator } from '../i18n/i18n';

/** Seconds before a crashed page reloads itself (back to the idle login). */
const RELOAD_AFTER_S = 5;

/**
 * A bug must never put a stack trace (or the last desktop) in front of a clerk: the page shows a
 * calm sentence and reloads itself to the idle login.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { crashed: boolean }> {
  override state = { crashed: false };

  static getDerivedStateFromError(): { crashed: boolean } {
    return { crashed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error('window page crashed', error);
    window.setTimeout(() => window.location.reload(), RELOAD_AFTER_S * 1000);
  }

  override render() {
    if (!this.state.crashed) return this.props.children;
    const t = translator(document.documentElement.lang === 'en' ? 'en' : 'zh-CN');
    return (
      <main className="boot-screen" role="alert">
        <h1 className="calm">{t('boot.loading')}</h1>
      </main>
    );
  }
}
