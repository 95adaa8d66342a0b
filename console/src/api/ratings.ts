import { queryOptions } from '@tanstack/react-query';
import type { Query } from './client';
import { listAll } from './resource';

/** A citizen's 好/中/差 rating of one service (assumed shape; the ratings API may not exist yet). */
export interface Rating {
  id: string;
  sessionId?: string | null;
  siteId: string | null;
  windowId: string | null;
  accountId?: string | null;
  departmentId?: string | null;
  score: string;
  createdAt?: string;
  at?: string;
}

export type RatingLevel = 'good' | 'neutral' | 'bad';

/** Accepts English or Chinese score words, so the console does not care which the API picks. */
export function ratingLevel(score: string): RatingLevel {
  const s = score.toLowerCase();
  if (s === 'good' || s === '好' || s === 'satisfied' || s === '5' || s === '4') return 'good';
  if (s === 'bad' || s === '差' || s === 'poor' || s === 'unsatisfied' || s === '1') return 'bad';
  return 'neutral';
}

export const ratingQueries = {
  all: (q: Query) => queryOptions({ queryKey: ['ratings', 'all', q] as const, queryFn: ({ signal }) => listAll<Rating>('/ratings', q, signal), retry: false }),
};
