import type { z } from 'zod';
import { siteCreate, siteOut, siteQuery, siteUpdate } from '@yunzhuo/protocol/api/resources';
import type { ResourceDef } from '../http/crud.js';
import { iso, requireRef } from '../http/refs.js';
import { Site } from './site.model.js';

type Create = z.output<typeof siteCreate>;
type Update = z.output<typeof siteUpdate>;

export function presentSite(s: Site): z.output<typeof siteOut> {
  return { id: s.id, parentId: s.parentId, code: s.code, name: s.name, kind: s.kind, address: s.address, createdAt: iso(s.createdAt)!, updatedAt: iso(s.updatedAt)! };
}

export const siteResource: ResourceDef<Site, Create, Update> = {
  path: 'sites',
  type: 'site',
  model: Site,
  schemas: { create: siteCreate, update: siteUpdate, query: siteQuery, out: siteOut },
  scopeColumn: 'id',
  siteOf: (s) => s.id,
  // a new site lives under its parent: creating a root site needs county rights
  targetSite: async (_actor, input, existing) => (existing ? existing.id : ((input as Create).parentId ?? null)),
  filters: (q) => (q.parentId ? { parentId: q.parentId } : {}),
  searchColumns: ['name', 'code'],
  present: presentSite,
  async create(actor, input) {
    const parent = input.parentId ? await requireRef(actor, Site, input.parentId, 'parentId', (s) => s.id) : null;
    const site = Site.build({ ...input, path: '' });
    site.path = `${parent ? parent.path : '/'}${site.id}/`;
    return site.save();
  },
  update: (_actor, row, input) => row.update(input),
};
