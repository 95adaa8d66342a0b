import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import { siteCreate, siteOut, siteQuery, siteUpdate } from '@yunzhuo/protocol/api/resources';
import type { ResourceDef } from '../http/crud.js';
import { iso } from '../http/refs.js';
import { requireWritableSite } from '../auth/references.js';
import { Site } from './site.model.js';

type Create = z.output<typeof siteCreate>;
type Update = z.output<typeof siteUpdate>;

/** The parent is named (a town's site-admin sees 「桓台县政务服务中心」 above its site, not an id it cannot open). */
export async function presentSite(s: Site, transaction?: Transaction): Promise<z.output<typeof siteOut>> {
  const parent = s.parentId ? await Site.findByPk(s.parentId, { attributes: ['name'], ...(transaction ? { transaction } : {}) }) : null;
  return {
    id: s.id,
    parentId: s.parentId,
    parentName: parent?.name ?? null,
    code: s.code,
    name: s.name,
    kind: s.kind,
    address: s.address,
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

export const siteResource: ResourceDef<Site, Create, Update> = {
  path: 'sites',
  type: 'site',
  model: Site,
  schemas: { create: siteCreate, update: siteUpdate, query: siteQuery, out: siteOut },
  scopeColumn: 'id',
  siteOf: (s) => s.id,
  // a new site lives under its parent (which must exist): creating a root site needs county rights
  async targetSite(actor, input, existing, t) {
    if (existing) return existing.id;
    const { parentId } = input as Create;
    if (parentId) await requireWritableSite(actor, parentId, 'parentId', 'site', t);
    return parentId ?? null;
  },
  filters: (q) => (q.parentId ? { parentId: q.parentId } : {}),
  searchColumns: ['name', 'code'],
  present: presentSite,
  async create(_actor, input, transaction) {
    const parent = input.parentId ? await Site.findByPk(input.parentId, { transaction }) : null;
    const site = Site.build({ ...input, path: '' });
    site.path = `${parent ? parent.path : '/'}${site.id}/`;
    return site.save({ transaction });
  },
  update: (_actor, row, input, transaction) => row.update(input, { transaction }),
};
