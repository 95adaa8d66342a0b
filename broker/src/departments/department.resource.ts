import type { z } from 'zod';
import { departmentCreate, departmentOut, departmentQuery, departmentUpdate } from '@yunzhuo/protocol/api/resources';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { DEPARTMENT_SHARING } from '../auth/policy.js';
import { requireWritableSite } from '../auth/references.js';
import { Department } from './department.model.js';

type Create = z.output<typeof departmentCreate>;
type Update = z.output<typeof departmentUpdate>;

export function presentDepartment(d: Department): z.output<typeof departmentOut> {
  return { id: d.id, code: d.code, name: d.name, siteId: d.siteId, createdAt: iso(d.createdAt)!, updatedAt: iso(d.updatedAt)! };
}

export const departmentResource: ResourceDef<Department, Create, Update> = {
  path: 'departments',
  type: 'department',
  model: Department,
  schemas: { create: departmentCreate, update: departmentUpdate, query: departmentQuery, out: departmentOut },
  scopeColumn: 'siteId',
  sharing: DEPARTMENT_SHARING,
  siteOf: (d) => d.siteId,
  async targetSite(actor, input, existing, t) {
    const siteId = input.siteId !== undefined ? input.siteId : (existing?.siteId ?? null);
    if (siteId) await requireWritableSite(actor, siteId, 'siteId', 'department', t);
    return siteId;
  },
  filters: (q) => (q.siteId ? { siteId: q.siteId } : {}),
  searchColumns: ['name', 'code'],
  present: presentDepartment,
  create: (_actor, input, transaction) => Department.create(input, { transaction }),
  update: (_actor, row, input, transaction) => row.update(input, { transaction }),
};
