import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import { listAll } from './resource';
import type { AuditEvent, AuditQuery, Page } from './types';

export const auditKeys = { root: ['audit-events'] as const };

export const auditApi = {
  list: (q: AuditQuery, signal?: AbortSignal) => api.get<Page<AuditEvent>>('/audit-events', q, signal),
  all: (q: AuditQuery, signal?: AbortSignal) => listAll<AuditEvent>('/audit-events', q, signal),
};

export const auditQueries = {
  list: (q: AuditQuery) => queryOptions({ queryKey: ['audit-events', 'list', q] as const, queryFn: ({ signal }) => auditApi.list(q, signal) }),
  all: (q: AuditQuery) => queryOptions({ queryKey: ['audit-events', 'all', q] as const, queryFn: ({ signal }) => auditApi.all(q, signal) }),
};
