import { queryOptions } from '@tanstack/react-query';
import { apiRequest, api } from './client';
import { listAll } from './resource';
import type { DeskSession, Page, SessionQuery } from './types';

/** States in which a session holds a desktop. */
export const LIVE_STATES = ['requested', 'connecting', 'active', 'disconnected'] as const;

export const sessionKeys = {
  root: ['sessions'] as const,
  list: (q: SessionQuery) => ['sessions', 'list', q] as const,
  all: (q: SessionQuery) => ['sessions', 'all', q] as const,
  detail: (id: string) => ['sessions', 'detail', id] as const,
};

export const sessionsApi = {
  list: (q: SessionQuery, signal?: AbortSignal) => api.get<Page<DeskSession>>('/sessions', q, signal),
  all: (q: SessionQuery, signal?: AbortSignal) => listAll<DeskSession>('/sessions', q, signal),
  get: (id: string) => api.get<DeskSession>(`/sessions/${id}`),
  /** the desktop is kept for the pool's grace period */
  disconnect: (id: string) => api.post<DeskSession>(`/sessions/${id}/disconnect`),
  /** force logoff: the desktop is released */
  end: (id: string) => api.post<DeskSession>(`/sessions/${id}/end`),
  /** raw Guacamole protocol bytes of the session's recording */
  recording: (id: string, signal?: AbortSignal) => apiRequest<Blob>('GET', `/sessions/${id}/recording`, { asBlob: true, signal }),
};

export const sessionQueries = {
  list: (q: SessionQuery) => queryOptions({ queryKey: sessionKeys.list(q), queryFn: ({ signal }) => sessionsApi.list(q, signal) }),
  all: (q: SessionQuery) => queryOptions({ queryKey: sessionKeys.all(q), queryFn: ({ signal }) => sessionsApi.all(q, signal) }),
  live: (siteId?: string) => sessionQueries.all({ state: 'live', ...(siteId ? { siteId } : {}) }),
  detail: (id: string) => queryOptions({ queryKey: sessionKeys.detail(id), queryFn: () => sessionsApi.get(id) }),
};
