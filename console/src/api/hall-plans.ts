import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { HallPlan, PlanPlacements, planPlacementsOut } from '@yunzhuo/protocol/api/hall-plans';
import { api, apiRequest } from './client';

export type { HallPlan };
export type PlacementResult = z.output<typeof planPlacementsOut>;

/** Floor plans of the hall (issue 17): the image per site or area, and where windows sit on it. */
export const hallPlansApi = {
  list: (siteId?: string) => api.get<{ items: HallPlan[] }>('/hall-plans', siteId ? { siteId } : undefined).then((r) => r.items),
  /** the browser's file as it is: the broker reads its type from the bytes (PNG or JPEG only) */
  upload: (siteId: string, area: string, file: Blob) =>
    apiRequest<HallPlan>('PUT', '/hall-plans/image', { query: { siteId, area }, raw: file, contentType: file.type || 'application/octet-stream' }),
  place: (planId: string, placements: PlanPlacements['placements']) =>
    apiRequest<PlacementResult>('PUT', `/hall-plans/${planId}/placements`, { body: { placements } }),
  remove: (planId: string) => api.del(`/hall-plans/${planId}`),
};

export const hallPlanQueries = {
  /** key under `hall-plans`: a `resource.changed` of hall-plans makes it stale */
  list: (siteId?: string) => queryOptions({ queryKey: ['hall-plans', siteId ?? 'all'], queryFn: () => hallPlansApi.list(siteId) }),
};

/** The plan that draws `area`: its own, else the whole site's. */
export function planFor(plans: HallPlan[], area: string | null): HallPlan | null {
  return (area ? plans.find((p) => p.area === area) : undefined) ?? plans.find((p) => p.area === null) ?? null;
}
