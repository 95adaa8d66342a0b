import { Op } from 'sequelize';
import type { Role } from '@yunzhuo/protocol/api/common';
import type { SiteScope } from '../auth/actor.js';
import { Site } from './site.model.js';

/** Subtree queries over the materialized `path` column. */
export class SiteTree {
  async subtreeIds(rootId: string): Promise<string[]> {
    const root = await Site.findByPk(rootId, { attributes: ['path'] });
    if (!root) return [];
    const rows = await Site.findAll({ attributes: ['id'], where: { path: { [Op.startsWith]: root.path } } });
    return rows.map((r) => r.id);
  }

  async scopeFor(roles: Role[], homeSiteId: string | null): Promise<SiteScope> {
    if (roles.includes('admin') || roles.includes('auditor') || !roles.includes('site-admin')) return { all: true };
    if (!homeSiteId) return { all: false, rootSiteId: '', siteIds: new Set(), ancestorIds: new Set() };
    const [siteIds, ancestry] = await Promise.all([this.subtreeIds(homeSiteId), this.ancestry(homeSiteId)]);
    return { all: false, rootSiteId: homeSiteId, siteIds: new Set(siteIds), ancestorIds: new Set(ancestry.slice(1)) };
  }

  /** Ids from `siteId` up to the root, nearest first. */
  async ancestry(siteId: string): Promise<string[]> {
    const site = await Site.findByPk(siteId, { attributes: ['path'] });
    return site ? site.path.split('/').filter(Boolean).reverse() : [];
  }
}
