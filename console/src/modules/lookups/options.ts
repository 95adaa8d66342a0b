import { useMemo } from 'react';
import type { Option } from '../entity-form/EntityForm';
import { buildSiteTree, flattenTree } from '../site-tree/site-tree';
import { useDepartments, useGateways, usePools, useSites } from './lookups';

/** Select options for the reference data, indented by site depth. */
export function useOptions() {
  const sites = useSites().data;
  const departments = useDepartments().data;
  const pools = usePools().data;
  const gateways = useGateways().data;
  return useMemo(() => {
    const site: Option[] = flattenTree(buildSiteTree(sites ?? [])).map((n) => ({
      value: n.site.id,
      label: `${'\u3000'.repeat(n.depth)}${n.site.name}（${n.site.code}）`,
    }));
    const department: Option[] = (departments ?? []).map((d) => ({ value: d.id, label: `${d.name}（${d.code}）` }));
    const pool: Option[] = (pools ?? []).map((p) => ({ value: p.id, label: p.name }));
    const gateway: Option[] = (gateways ?? []).map((g) => ({ value: g.id, label: `${g.name}（${g.host}:${g.port}）` }));
    return { site, department, pool, gateway };
  }, [sites, departments, pools, gateways]);
}
