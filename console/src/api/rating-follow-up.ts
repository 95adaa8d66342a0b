import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { queueWindowsOut } from '@yunzhuo/protocol/api/queue';
import type { ratingOutboxOut } from '@yunzhuo/protocol/api/rating-outbox';
import type { workOrderOut, workOrderReportOut } from '@yunzhuo/protocol/api/rating-work-orders';
import type { ratingTagSetOut, RatingTag } from '@yunzhuo/protocol/api/ratings';
import { api, type Query } from './client';

export type WorkOrder = z.output<typeof workOrderOut>;
export type WorkOrderReport = z.output<typeof workOrderReportOut>;
export type OutboxItem = z.output<typeof ratingOutboxOut>;
export type TagSet = z.output<typeof ratingTagSetOut>;
export type QueueWindows = z.output<typeof queueWindowsOut>;
export type { RatingTag };

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** a step on a work order and its body (docs/RATINGS.md: 回访, 整改, 申诉, 复核, 追评) */
export type WorkOrderStep =
  | { step: 'visit'; note: string }
  | { step: 'rectify'; note: string }
  | { step: 'appeal'; reason: string }
  | { step: 'review'; decision: 'exclude' | 'keep'; note: string }
  | { step: 'follow-up'; level: number; comment?: string };

/** 差评 follow-up, the tag set and the outbox to the province (docs/RATINGS.md). */
export const followUpApi = {
  workOrders: (q: Query, signal?: AbortSignal) => api.get<Page<WorkOrder>>('/rating-work-orders', q, signal),
  workOrder: (id: string) => api.get<WorkOrder>(`/rating-work-orders/${id}`),
  report: (q: Query) => api.get<WorkOrderReport>('/rating-work-orders/report', q),
  step: (id: string, { step, ...body }: WorkOrderStep) => api.post<WorkOrder>(`/rating-work-orders/${id}/${step}`, body),
  tagSets: () => api.get<{ items: TagSet[] }>('/rating-tag-sets'),
  publishTagSet: (tags: RatingTag[]) => api.post<TagSet>('/rating-tag-sets', { tags }),
  outbox: (q: Query, signal?: AbortSignal) => api.get<Page<OutboxItem>>('/rating-outbox', q, signal),
  retry: (id: number) => api.post<OutboxItem>(`/rating-outbox/${id}/retry`),
  queueWindows: () => api.get<QueueWindows>('/queue-windows'),
};

export const followUpQueries = {
  workOrders: (q: Query) => queryOptions({ queryKey: ['rating-work-orders', q] as const, queryFn: ({ signal }) => followUpApi.workOrders(q, signal) }),
  workOrder: (id: string) => queryOptions({ queryKey: ['rating-work-orders', 'one', id] as const, queryFn: () => followUpApi.workOrder(id) }),
  tagSets: () => queryOptions({ queryKey: ['rating-tag-sets'] as const, queryFn: followUpApi.tagSets }),
  outbox: (q: Query) =>
    queryOptions({ queryKey: ['rating-outbox', q] as const, queryFn: ({ signal }) => followUpApi.outbox(q, signal), refetchInterval: 5000 }),
  queueWindows: () => queryOptions({ queryKey: ['queue-windows'] as const, queryFn: followUpApi.queueWindows, refetchInterval: 5000 }),
};
