import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { Loading } from './EmptyState';
import { ErrorView } from './ErrorView';

/** A query's three faces, the same on every page: its error, a loading line, or its data rendered. */
export function QueryView<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (query.isError) return <ErrorView error={query.error} />;
  if (query.isPending) return <Loading label={t('common.loading')} />;
  return <>{children(query.data)}</>;
}
