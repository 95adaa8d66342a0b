import type { HallPlan } from '../../api/hall-plans';
import type { WindowView } from './window-state';

/** A site's plans, the whole site's first, then by area. */
export function plansOfSite(plans: HallPlan[], siteId: string | undefined): HallPlan[] {
  return plans.filter((p) => p.siteId === siteId).sort((a, b) => (a.area === null ? -1 : b.area === null ? 1 : a.area.localeCompare(b.area, 'zh-CN')));
}

/** The windows a plan draws: its area's, or on the whole site's plan those of areas without a plan of their own. */
export function viewsOnPlan(plan: HallPlan, plans: HallPlan[], views: WindowView[]): WindowView[] {
  if (plan.area !== null) return views.filter((v) => v.window.area === plan.area);
  const ownPlans = new Set(plans.filter((p) => p.siteId === plan.siteId && p.area !== null).map((p) => p.area));
  return views.filter((v) => !v.window.area || !ownPlans.has(v.window.area));
}
