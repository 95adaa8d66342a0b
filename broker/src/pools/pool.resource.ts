import type { z } from 'zod';
import { poolCreate, poolOut, poolQuery, poolUpdate } from '@yunzhuo/protocol/api/resources';
import type { Actor } from '../auth/actor.js';
import { Department } from '../departments/department.model.js';
import { Gateway } from '../gateways/gateway.model.js';
import type { ResourceDef } from '../http/crud.js';
import { iso, requireRef, requireWritableSite } from '../http/refs.js';
import { Pool, PoolGateway } from './pool.model.js';

type Create = z.output<typeof poolCreate>;
type Update = z.output<typeof poolUpdate>;

export async function presentPool(p: Pool): Promise<z.output<typeof poolOut>> {
  const links = await PoolGateway.findAll({ where: { poolId: p.id }, order: [['priority', 'ASC']] });
  return {
    id: p.id, name: p.name, departmentId: p.departmentId, siteId: p.siteId, kind: p.kind, state: p.state, settings: p.settings,
    gatewayIds: links.map((l) => l.gatewayId), graceSeconds: p.graceSeconds, idleSeconds: p.idleSeconds, maxSessions: p.maxSessions,
    allowOtherSites: p.allowOtherSites, createdAt: iso(p.createdAt)!, updatedAt: iso(p.updatedAt)!,
  };
}

async function setGateways(actor: Actor, poolId: string, gatewayIds: string[] | undefined): Promise<void> {
  if (!gatewayIds) return;
  for (const id of gatewayIds) await requireRef(actor, Gateway, id, 'gatewayIds', (g) => g.siteId);
  await PoolGateway.destroy({ where: { poolId } });
  await PoolGateway.bulkCreate([...new Set(gatewayIds)].map((gatewayId, priority) => ({ poolId, gatewayId, priority })));
}

export const poolResource: ResourceDef<Pool, Create, Update> = {
  path: 'pools',
  type: 'pool',
  model: Pool,
  schemas: { create: poolCreate, update: poolUpdate, query: poolQuery, out: poolOut },
  scopeColumn: 'siteId',
  siteOf: (p) => p.siteId,
  async targetSite(actor, input, existing) {
    if (input.siteId) await requireWritableSite(actor, input.siteId, 'siteId', 'pool');
    if (input.departmentId) await requireRef(actor, Department, input.departmentId, 'departmentId', (d) => d.siteId);
    return input.siteId ?? existing!.siteId;
  },
  filters: (q) => ({
    ...(q.siteId ? { siteId: q.siteId } : {}),
    ...(q.departmentId ? { departmentId: q.departmentId } : {}),
    ...(q.state ? { state: q.state } : {}),
  }),
  searchColumns: ['name'],
  present: presentPool,
  async create(actor, input) {
    const { gatewayIds, ...rest } = input;
    const pool = await Pool.create(rest);
    await setGateways(actor, pool.id, gatewayIds);
    return pool;
  },
  async update(actor, row, input) {
    const { gatewayIds, ...rest } = input;
    await row.update(rest);
    await setGateways(actor, row.id, gatewayIds);
    return row;
  },
};
