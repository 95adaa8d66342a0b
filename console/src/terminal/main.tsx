import { lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { WindowApp } from './app/WindowApp';
import { I18nProvider } from './i18n/i18n';
import { PageErrorBoundary } from './app/PageErrorBoundary';
import './terminal.css';

// the rating pad (评价器, /pad) is the same page on a second screen: its code loads only there
const PadApp = lazy(() => import('./pad/PadApp').then((m) => ({ default: m.PadApp })));
const onPad = /^\/pad\/?$/.test(location.pathname);

// No StrictMode: its double mount would redeem a single-use tunnel token twice.
createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <PageErrorBoundary>
      {onPad ? (
        <Suspense fallback={null}>
          <PadApp />
        </Suspense>
      ) : (
        <WindowApp />
      )}
    </PageErrorBoundary>
  </I18nProvider>,
);
