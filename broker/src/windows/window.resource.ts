import type { z } from 'zod';
import { windowCreate, windowOut, windowQuery, windowUpdate } from '@yunzhuo/protocol/api/resources';
import { Department } from '../departments/department.model.js';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { DEPARTMENT_SHARING } from '../auth/policy.js';
import { requireRef, requireWritableSite } from '../auth/references.js';
import { HallWindow } from './window.model.js';

type Create = z.output<typeof windowCreate>;
type Update = z.output<typeof windowUpdate>;

export function presentWindow(w: HallWindow): z.output<typeof windowOut> {
  return {
    id: w.id,
    siteId: w.siteId,
    code: w.code,
    label: w.label,
    departmentId: w.departmentId,
    area: w.area,
    posX: w.posX,
    posY: w.posY,
    printer: w.printer ?? null,
    planX: w.planX ?? null,
    planY: w.planY ?? null,
    createdAt: iso(w.createdAt)!,
    updatedAt: iso(w.updatedAt)!,
  };
}

export const windowResource: ResourceDef<HallWindow, Create, Update> = {
  path: 'windows',
  type: 'window',
  model: HallWindow,
  schemas: { create: windowCreate, update: windowUpdate, query: windowQuery, out: windowOut },
  scopeColumn: 'siteId',
  siteOf: (w) => w.siteId,
  async targetSite(actor, input, existing, t) {
    const siteId = input.siteId ?? existing!.siteId;
    if (input.siteId) await requireWritableSite(actor, input.siteId, 'siteId', 'window', t);
    if (input.departmentId) await requireRef(actor, Department, input.departmentId, 'departmentId', (d) => d.siteId, t, DEPARTMENT_SHARING);
    return siteId;
  },
  filters: (q) => ({ ...(q.siteId ? { siteId: q.siteId } : {}), ...(q.departmentId ? { departmentId: q.departmentId } : {}) }),
  searchColumns: ['code', 'label'],
  present: presentWindow,
  create: (_actor, input, transaction) => HallWindow.create(input, { transaction }),
  update: (_actor, row, input, transaction) => row.update(input, { transaction }),
};
