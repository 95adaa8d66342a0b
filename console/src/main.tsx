import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isApiError } from './api/api-error';
import { authKeys } from './api/auth';
import { App } from './app/App';
import { I18nProvider } from './i18n/i18n';
import './styles/app.css';

/** A 401 anywhere means the console session ended: drop back to the login page. */
function onApiError(err: unknown) {
  if (isApiError(err, 'UNAUTHENTICATED')) queryClient.setQueryData(authKeys.me, null);
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      retry: (count, err) => !isApiError(err) || (err.status >= 500 && count < 2),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <App />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
