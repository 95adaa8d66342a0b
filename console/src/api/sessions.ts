import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { recordingPartsOut } from '@yunzhuo/protocol/api/resources';
import { apiRequest, api } from './client';
import { listAll } from './resource';
import type { DeskSession, Page, SessionQuery } from './types';

/** the parts of a session's recording, one per guacd connection, in order */
export type RecordingParts = z.output<typeof recordingPartsOut>;

/** how long a recording's part list is trusted, in ms */
const RECORDING_PARTS_STALE_MS = 10_000;

/** States in which a session holds a desktop. */
export const LIVE_STATES = ['requested', 'connecting', 'active', 'disconnected'] as const;

export const sessionKeys = {
  root: ['sessions'] as const,
  list: (q: SessionQuery) => ['sessions', 'list', q] as const,
  all: (q: SessionQuery) => ['sessions', 'all', q] as const,
  detail: (id: string) => ['sessions', 'detail', id] as const,
  recordingParts: (id: string) => ['sessions', 'recording-parts', id] as const,
  // not under ['sessions']: a session event would refetch the bytes and restart the playing viewer
  recording: (id: string, part: number) => ['session-recordings', id, part] as const,
};

export const sessionsApi = {
  list: (q: SessionQuery, signal?: AbortSignal) => api.get<Page<DeskSession>>('/sessions', q, signal),
  all: (q: SessionQuery, signal?: AbortSignal) => listAll<DeskSession>('/sessions', q, signal),
  get: (id: string) => api.get<DeskSession>(`/sessions/${id}`),
  /** the desktop is kept for the pool's grace period */
  disconnect: (id: string) => api.post<DeskSession>(`/sessions/${id}/disconnect`),
  /** force logoff: the desktop is released */
  end: (id: string) => api.post<DeskSession>(`/sessions/${id}/end`),
  recordingParts: (id: string, signal?: AbortSignal) => api.get<RecordingParts>(`/sessions/${id}/recordings`, undefined, signal),
  /** raw Guacamole protocol bytes of one part of the session's recording (0: the first) */
  recording: (id: string, part: number, signal?: AbortSignal) =>
    apiRequest<Blob>('GET', `/sessions/${id}/recording`, { asBlob: true, signal, query: part > 0 ? { part } : undefined }),
};

export const sessionQueries = {
  list: (q: SessionQuery) => queryOptions({ queryKey: sessionKeys.list(q), queryFn: ({ signal }) => sessionsApi.list(q, signal) }),
  all: (q: SessionQuery) => queryOptions({ queryKey: sessionKeys.all(q), queryFn: ({ signal }) => sessionsApi.all(q, signal) }),
  live: (siteId?: string) => sessionQueries.all({ state: 'live', ...(siteId ? { siteId } : {}) }),
  detail: (id: string) => queryOptions({ queryKey: sessionKeys.detail(id), queryFn: () => sessionsApi.get(id) }),
  /** a live session's last part grows and new parts appear: as fresh as any list */
  recordingParts: (id: string) =>
    queryOptions({
      queryKey: sessionKeys.recordingParts(id),
      queryFn: ({ signal }) => sessionsApi.recordingParts(id, signal),
      staleTime: RECORDING_PARTS_STALE_MS,
      retry: false,
    }),
  /**
   * Up to megabytes, handed to the player whole, so never refetched under a playing viewer (focus).
   * A part followed by another is `complete` (guacd has moved on to the next connection) and is
   * fetched once; the last may still be growing, so it is fetched again each time it is shown
   * and not kept once it is not.
   */
  recording: (id: string, part: number, complete: boolean) =>
    queryOptions({
      queryKey: sessionKeys.recording(id, part),
      queryFn: ({ signal }) => sessionsApi.recording(id, part, signal),
      retry: false,
      refetchOnWindowFocus: false,
      ...(complete ? { staleTime: Infinity } : { staleTime: 0, gcTime: 0 }),
    }),
};
