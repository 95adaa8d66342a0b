import { queryOptions } from '@tanstack/react-query';
import { api, type Query } from './client';
import type { Page } from './types';

/** The most rows one list call asks for (the API's own cap). */
export const MAX_PAGE_SIZE = 500;
/** A guard against paging forever through a huge table in the browser. */
const MAX_PAGES = 40;

/** Every page of a list, for maps and summaries that need the whole picture (a hall has ~250 windows). */
export async function listAll<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await api.get<Page<T>>(path, { ...query, page, pageSize: MAX_PAGE_SIZE }, signal);
    items.push(...res.items);
    if (items.length >= res.total || res.items.length === 0) break;
  }
  return items;
}

/**
 * Client + react-query factories for one CRUD resource of /api/v1. Keys start with the path
 * (`['windows', …]`) so a live `resource.changed {resource:'windows'}` invalidates them all.
 */
export function crudResource<T extends { id: string }, C, U, Q extends object>(path: string) {
  const base = `/${path}`;
  const client = {
    list: (query: Q = {} as Q, signal?: AbortSignal) => api.get<Page<T>>(base, query as Query, signal),
    all: (query: Q = {} as Q, signal?: AbortSignal) => listAll<T>(base, query as Query, signal),
    get: (id: string) => api.get<T>(`${base}/${encodeURIComponent(id)}`),
    create: (body: C) => api.post<T>(base, body),
    update: (id: string, body: U) => api.patch<T>(`${base}/${encodeURIComponent(id)}`, body),
    remove: (id: string) => api.del(`${base}/${encodeURIComponent(id)}`),
  };
  const keys = {
    root: [path] as const,
    list: (query: Q) => [path, 'list', query] as const,
    all: (query: Q) => [path, 'all', query] as const,
    detail: (id: string) => [path, 'detail', id] as const,
  };
  const queries = {
    list: (query: Q = {} as Q) => queryOptions({ queryKey: keys.list(query), queryFn: ({ signal }) => client.list(query, signal) }),
    all: (query: Q = {} as Q) => queryOptions({ queryKey: keys.all(query), queryFn: ({ signal }) => client.all(query, signal) }),
    detail: (id: string) => queryOptions({ queryKey: keys.detail(id), queryFn: () => client.get(id) }),
  };
  return { path, client, keys, queries };
}

export type CrudResource<T extends { id: string }, C, U, Q extends object> = ReturnType<typeof crudResource<T, C, U, Q>>;
