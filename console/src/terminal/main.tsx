import { createRoot } from 'react-dom/client';
import { WindowApp } from './app/WindowApp';
import { I18nProvider } from './i18n/i18n';
import { PageErrorBoundary } from './app/PageErrorBoundary';
import './terminal.css';

// No StrictMode: its double mount would redeem a single-use tunnel token twice.
createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <PageErrorBoundary>
      <WindowApp />
    </PageErrorBoundary>
  </I18nProvider>,
);
