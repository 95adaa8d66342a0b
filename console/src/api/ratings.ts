import { queryOptions } from '@tanstack/react-query';
import type { Query } from './client';
import { listAll } from './resource';

/** A citizen's rating of one service: 5 非常满意 … 1 非常不满意 (1 and 2 are 差评). */
export interface Rating {
  id: string;
  sessionId?: string | null;
  siteId: string | null;
  windowId: string | null;
  accountId?: string | null;
  departmentId?: string | null;
  level: number;
  bad: boolean;
  tags: string[];
  caseNumber: string | null;
  itemCode: string | null;
  createdAt?: string;
}

export const ratingQueries = {
  all: (q: Query) => queryOptions({ queryKey: ['ratings', 'all', q] as const, queryFn: ({ signal }) => listAll<Rating>('/ratings', q, signal), retry: false }),
};
