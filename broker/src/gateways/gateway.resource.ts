import type { z } from 'zod';
import { gatewayCreate, gatewayOut, gatewayQuery, gatewayUpdate } from '@yunzhuo/protocol/api/resources';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { requireWritableSite } from '../auth/references.js';
import { Gateway } from './gateway.model.js';

type Create = z.output<typeof gatewayCreate>;
type Update = z.output<typeof gatewayUpdate>;

export function presentGateway(g: Gateway): z.output<typeof gatewayOut> {
  return {
    id: g.id,
    name: g.name,
    siteId: g.siteId,
    host: g.host,
    port: g.port,
    health: g.health,
    lastCheckedAt: iso(g.lastCheckedAt),
    createdAt: iso(g.createdAt)!,
    updatedAt: iso(g.updatedAt)!,
  };
}

export const gatewayResource: ResourceDef<Gateway, Create, Update> = {
  path: 'gateways',
  type: 'gateway',
  model: Gateway,
  schemas: { create: gatewayCreate, update: gatewayUpdate, query: gatewayQuery, out: gatewayOut },
  scopeColumn: 'siteId',
  siteOf: (g) => g.siteId,
  async targetSite(actor, input, existing, t) {
    const siteId = input.siteId !== undefined ? input.siteId : (existing?.siteId ?? null);
    if (siteId) await requireWritableSite(actor, siteId, 'siteId', 'gateway', t);
    return siteId;
  },
  filters: (q) => (q.siteId ? { siteId: q.siteId } : {}),
  searchColumns: ['name', 'host'],
  present: presentGateway,
  create: (_actor, input, transaction) => Gateway.create(input, { transaction }),
  update: (_actor, row, input, transaction) => row.update(input, { transaction }),
};
