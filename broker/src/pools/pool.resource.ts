import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import { poolCreate, poolOut, poolQuery, poolUpdate } from '@yunzhuo/protocol/api/resources';
import { Department } from '../departments/department.model.js';
import { Gateway } from '../gateways/gateway.model.js';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { DEPARTMENT_SHARING } from '../auth/policy.js';
import { requireRef, requireRefs, requireWritableSite } from '../auth/references.js';
import { Pool, PoolGateway } from './pool.model.js';

type Create = z.output<typeof poolCreate>;
type Update = z.output<typeof poolUpdate>;

export async function presentPool(p: Pool, transaction?: Transaction): Promise<z.output<typeof poolOut>> {
  const links = await PoolGateway.findAll({ where: { poolId: p.id }, order: [['priority', 'ASC']], ...(transaction ? { transaction } : {}) });
  return {
    id: p.id,
    name: p.name,
    departmentId: p.departmentId,
    siteId: p.siteId,
    kind: p.kind,
    state: p.state,
    settings: p.settings,
    gatewayIds: links.map((l) => l.gatewayId),
    graceSeconds: p.graceSeconds,
    idleSeconds: p.idleSeconds,
    maxSessions: p.maxSessions,
    allowOtherSites: p.allowOtherSites,
    createdAt: iso(p.createdAt)!,
    updatedAt: iso(p.updatedAt)!,
  };
}

/** Replaces the pool's gateways, in priority order (the ids were checked by `targetSite`). */
async function setGateways(poolId: string, gatewayIds: string[] | undefined, transaction: Transaction): Promise<void> {
  if (!gatewayIds) return;
  await PoolGateway.destroy({ where: { poolId }, transaction });
  await PoolGateway.bulkCreate(
    [...new Set(gatewayIds)].map((gatewayId, priority) => ({ poolId, gatewayId, priority })),
    { transaction },
  );
}

export const poolResource: ResourceDef<Pool, Create, Update> = {
  path: 'pools',
  type: 'pool',
  model: Pool,
  schemas: { create: poolCreate, update: poolUpdate, query: poolQuery, out: poolOut },
  scopeColumn: 'siteId',
  siteOf: (p) => p.siteId,
  async targetSite(actor, input, existing, t) {
    if (input.siteId) await requireWritableSite(actor, input.siteId, 'siteId', 'pool', t);
    if (input.departmentId) await requireRef(actor, Department, input.departmentId, 'departmentId', (d) => d.siteId, t, DEPARTMENT_SHARING);
    await requireRefs(actor, Gateway, input.gatewayIds, 'gatewayIds', (g) => g.siteId, t);
    return input.siteId ?? existing!.siteId;
  },
  filters: (q) => ({
    ...(q.siteId ? { siteId: q.siteId } : {}),
    ...(q.departmentId ? { departmentId: q.departmentId } : {}),
    ...(q.state ? { state: q.state } : {}),
  }),
  searchColumns: ['name'],
  present: presentPool,
  async create(_actor, input, transaction) {
    const { gatewayIds, ...rest } = input;
    const pool = await Pool.create(rest, { transaction });
    await setGateways(pool.id, gatewayIds, transaction);
    return pool;
  },
  async update(_actor, row, input, transaction) {
    const { gatewayIds, ...rest } = input;
    await row.update(rest, { transaction });
    await setGateways(row.id, gatewayIds, transaction);
    return row;
  },
};
