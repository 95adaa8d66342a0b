import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { hallPlanQueries, hallPlansApi } from '../../api/hall-plans';
import { connectorQueries } from '../../api/connectors';
import { terminals, windows } from '../../api/resources';
import { sessionQueries } from '../../api/sessions';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { useAuth } from '../../modules/auth/AuthProvider';
import { HallMap, Legend } from '../../modules/hall-map/HallMap';
import { WindowPanel } from '../../modules/hall-map/WindowPanel';
import { countStates, windowViews } from '../../modules/hall-map/window-state';
import { useLookups, usePools, useSites } from '../../modules/lookups/lookups';
import { buildSiteTree, flattenTree } from '../../modules/site-tree/site-tree';
import { useLive } from '../../realtime/LiveEventsProvider';
import { QueueWindowsCard } from './QueueWindowsCard';
import { useFeedback } from '../../components/Feedback';
import { PlanMap } from '../../modules/hall-map/PlanMap';
import { plansOfSite, viewsOnPlan } from '../../modules/hall-map/plan-views';
import { PlanToolbar } from './PlanToolbar';

export function HallPage() {
  const { t } = useI18n();
  const auth = useAuth();
  const live = useLive();
  const navigate = useNavigate();
  const params = useParams();
  const sites = useSites();
  const tree = useMemo(() => flattenTree(buildSiteTree(sites.data ?? [])), [sites.data]);
  const siteId = params.siteId ?? tree[0]?.site.id;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [query, setQuery] = useState('');

  const poll = { refetchInterval: live.pollInterval, enabled: Boolean(siteId) };
  const win = useQuery({ ...windows.queries.all({ siteId: siteId ?? '' }), ...poll });
  const term = useQuery({ ...terminals.queries.all({ siteId: siteId ?? '' }), ...poll });
  const sess = useQuery({ ...sessionQueries.live(siteId), ...poll });
  const pools = usePools();
  // town connectors: windows whose desktops go through a town are marked when its connector is down
  const connectors = useQuery({ ...connectorQueries.list(), retry: false });
  const lookups = useLookups({ windows: false });

  const views = useMemo(
    () => windowViews(win.data ?? [], term.data ?? [], sess.data ?? [], pools.data ?? [], connectors.data?.items ?? []),
    [win.data, term.data, sess.data, pools.data, connectors.data],
  );
  // the floor plan (issue 17): shown when the site has one; edited by whoever may write the site
  const feedback = useFeedback();
  const client = useQueryClient();
  const allPlans = useQuery({ ...hallPlanQueries.list(siteId), enabled: Boolean(siteId) });
  const plans = plansOfSite(allPlans.data ?? [], siteId);
  const [planArea, setPlanArea] = useState<string | null>(null);
  const [layout, setLayout] = useState<'plan' | 'grid'>('plan');
  const [editing, setEditing] = useState(false);
  const areas = [...new Set(views.map((v) => v.window.area).filter((a): a is string => Boolean(a)))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const chosenArea = planArea ?? plans[0]?.area ?? '';
  const plan = plans.find((p) => (p.area ?? '') === chosenArea) ?? (editing ? null : (plans[0] ?? null));
  const place = useMutation({
    mutationFn: (p: { windowId: string; planX: number; planY: number }) => hallPlansApi.place(plan!.id, [p]),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['windows'] }),
    onError: (err) => {
      feedback.error(err);
      void client.invalidateQueries({ queryKey: ['windows'] });
    },
  });
  const showPlan = editing || (plans.length > 0 && layout === 'plan');
  const shown = query ? views.filter((v) => v.window.code.toLowerCase().includes(query.toLowerCase()) || (v.window.label ?? '').includes(query)) : views;
  const selected = views.find((v) => v.window.id === selectedId) ?? null;
  const error = [sites, win, term, sess].find((q) => q.isError)?.error;

  return (
    <div data-testid="page-hall">
      <PageHeader
        title={t('hall.title')}
        subtitle={t('hall.subtitle')}
        actions={
          <>
            <select value={siteId ?? ''} onChange={(e) => navigate(`/hall/${e.target.value}`)} data-testid="hall-site" aria-label={t('hall.site')}>
              {tree.map((n) => (
                <option key={n.site.id} value={n.site.id}>
                  {'\u3000'.repeat(n.depth)}
                  {n.site.name}
                </option>
              ))}
            </select>
            <input className="search" placeholder={t('hall.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
            {plans.length > 0 && !editing && (
              <select
                value={layout === 'grid' ? 'grid' : chosenArea}
                onChange={(e) => (e.target.value === 'grid' ? setLayout('grid') : (setLayout('plan'), setPlanArea(e.target.value)))}
                data-testid="hall-layout"
                aria-label={t('plan.layout')}
              >
                {plans.map((p) => (
                  <option key={p.id} value={p.area ?? ''}>
                    {t('plan.planOf', { area: p.area ?? t('plan.wholeSite') })}
                  </option>
                ))}
                <option value="grid">{t('plan.grid')}</option>
              </select>
            )}
            {auth.canWrite && siteId && !editing && (
              <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="hall-edit-plan">
                {t('plan.edit')}
              </button>
            )}
            {siteId && (
              <Link className="btn" to={`/wall?site=${siteId}`} data-testid="hall-wall-link">
                {t('wall.open')}
              </Link>
            )}
          </>
        }
      />
      {error ? (
        <ErrorView error={error} />
      ) : sites.isPending || (siteId && (win.isPending || term.isPending || sess.isPending)) ? (
        <Loading label={t('common.loading')} />
      ) : !siteId ? (
        <EmptyState title={t('overview.noSites')}>
          <Link to="/sites">{t('overview.createSite')}</Link>
        </EmptyState>
      ) : editing ? (
        <>
          <PlanToolbar siteId={siteId} area={chosenArea} areas={areas} plan={plan} onArea={setPlanArea} onDone={() => setEditing(false)} />
          {plan ? (
            <PlanMap
              plan={plan}
              views={viewsOnPlan(plan, plans, views)}
              lookups={lookups}
              editing
              onPlace={(windowId, planX, planY) => place.mutate({ windowId, planX, planY })}
            />
          ) : (
            <EmptyState title={t('plan.none')}>{t('plan.noneBody')}</EmptyState>
          )}
        </>
      ) : views.length === 0 ? (
        <EmptyState title={t('hall.noWindows')}>
          <Link to="/windows">{t('hall.addWindows')}</Link>
        </EmptyState>
      ) : (
        <>
          <Legend counts={countStates(views)} />
          {showPlan && plan ? (
            <PlanMap
              plan={plan}
              views={viewsOnPlan(plan, plans, shown)}
              lookups={lookups}
              selectedId={selectedId}
              onSelect={(v) => setSelectedId(v.window.id)}
            />
          ) : (
            <HallMap views={shown} lookups={lookups} selectedId={selectedId} onSelect={(v) => setSelectedId(v.window.id)} />
          )}
          <QueueWindowsCard siteId={siteId} />
        </>
      )}
      {selected && <WindowPanel view={selected} lookups={lookups} canWrite={auth.canWrite} onClose={() => setSelectedId(null)} />}
    </div>
  );
}
