import { queryOptions } from '@tanstack/react-query';
import type { ConnectorOutput } from '@yunzhuo/protocol/connector/api';
import { api } from './client';

export type Connector = ConnectorOutput;

/** Town connectors (docs/TOWNS.md): health as the brokers last heard it, and revocation. */
export const connectorsApi = {
  list: () => api.get<{ items: Connector[] }>('/connectors'),
  revoke: (id: string) => api.post<Connector>(`/connectors/${id}/revoke`),
};

export const connectorQueries = {
  list: () => queryOptions({ queryKey: ['connectors'] as const, queryFn: connectorsApi.list, refetchInterval: 5000 }),
};
