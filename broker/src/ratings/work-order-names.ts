import { Account } from '../accounts/account.model.js';
import { Department } from '../departments/department.model.js';
import { Site } from '../sites/site.model.js';
import { HallWindow } from '../windows/window.model.js';
import { RatingTagSet, type Rating } from './rating.model.js';
import type { RatingWorkOrder } from './work-order.model.js';
import type { WorkOrderNames } from './work-order.presenter.js';

const ids = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];

/**
 * The names a work order's reader needs, read in one batch per kind: a department reviewer may
 * read no list but the work orders, so the tags' labels (in the rating's own tag-set version),
 * the window, clerk, department and site come with each order.
 */
export async function workOrderNames(orders: RatingWorkOrder[], ratings: Rating[]): Promise<(o: RatingWorkOrder, r: Rating) => WorkOrderNames> {
  const [windows, accounts, departments, sites, tagSets] = await Promise.all([
    HallWindow.findAll({ where: { id: ids(orders.map((o) => o.windowId)) }, attributes: ['id', 'code'] }),
    Account.findAll({ where: { id: ids(orders.map((o) => o.accountId)) }, attributes: ['id', 'username', 'displayName'] }),
    Department.findAll({ where: { id: ids(orders.map((o) => o.departmentId)) }, attributes: ['id', 'name'] }),
    Site.findAll({ where: { id: ids(orders.map((o) => o.siteId)) }, attributes: ['id', 'name'] }),
    RatingTagSet.findAll({ where: { version: [...new Set(ratings.map((r) => r.tagSetVersion))] } }),
  ]);
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const [w, a, d, s] = [byId(windows), byId(accounts), byId(departments), byId(sites)];
  const versions = new Map(tagSets.map((t) => [t.version, t.tags]));
  return (o, r) => {
    const account = a.get(o.accountId);
    const tags = versions.get(r.tagSetVersion) ?? [];
    return {
      tagLabels: (r.tags ?? []).map((code) => tags.find((t) => t.level === r.level && t.code === code)?.label ?? code),
      names: {
        window: (o.windowId && w.get(o.windowId)?.code) || null,
        clerk: account ? `${account.displayName || account.username}（${account.username}）` : null,
        department: (o.departmentId && d.get(o.departmentId)?.name) || null,
        site: (o.siteId && s.get(o.siteId)?.name) || null,
      },
    };
  };
}
