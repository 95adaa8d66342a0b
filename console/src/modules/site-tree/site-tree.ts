import type { Site } from '../../api/types';

export interface SiteNode {
  site: Site;
  depth: number;
  children: SiteNode[];
}

/**
 * County → towns. A site whose parent the viewer cannot see (a town admin's own town) is a
 * root of the visible tree.
 */
export function buildSiteTree(sites: Site[]): SiteNode[] {
  const ids = new Set(sites.map((s) => s.id));
  const childrenOf = new Map<string | null, Site[]>();
  for (const s of sites) {
    const parent = s.parentId && ids.has(s.parentId) ? s.parentId : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), s]);
  }
  const order = (a: Site, b: Site) =>
    a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'county' ? -1 : b.kind === 'county' ? 1 : a.code.localeCompare(b.code);
  const build = (parent: string | null, depth: number): SiteNode[] =>
    (childrenOf.get(parent) ?? []).sort(order).map((site) => ({ site, depth, children: build(site.id, depth + 1) }));
  return build(null, 0);
}

/** depth-first, for indented tables and selects */
export function flattenTree(nodes: SiteNode[]): SiteNode[] {
  return nodes.flatMap((n) => [n, ...flattenTree(n.children)]);
}

/** the site and every site under it */
export function subtreeIds(node: SiteNode): string[] {
  return [node.site.id, ...node.children.flatMap(subtreeIds)];
}
