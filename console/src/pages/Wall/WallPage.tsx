import { useQuery } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { hallPlanQueries, type HallPlan } from '../../api/hall-plans';
import { terminals, windows } from '../../api/resources';
import { sessionQueries } from '../../api/sessions';
import { useI18n } from '../../i18n/i18n';
import { HallMap, STATE_LABEL } from '../../modules/hall-map/HallMap';
import { PlanMap } from '../../modules/hall-map/PlanMap';
import { plansOfSite, viewsOnPlan } from '../../modules/hall-map/plan-views';
import { countStates, WINDOW_STATES, windowViews } from '../../modules/hall-map/window-state';
import { useLookups, usePools, useSites } from '../../modules/lookups/lookups';
import { buildSiteTree, flattenTree } from '../../modules/site-tree/site-tree';
import { useLive } from '../../realtime/LiveEventsProvider';

interface Slide {
  siteId: string;
  plan: HallPlan | null;
}

/** seconds each site or area stays on the screen, unless `?rotate=` says otherwise */
const DEFAULT_ROTATE_S = 20;

/** Clock on the wall: HH:MM in the browser's (the command center's) time. */
function useNow(ms: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * Shrinks its content (never enlarges it) so a whole hall fits the screen without scrolling: the
 * county's 248 windows on one wall.
 */
function FitToBox({ children }: { children: ReactNode }) {
  const outer = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState(1);
  useLayoutEffect(() => {
    const fit = () => {
      const o = outer.current;
      const i = inner.current;
      if (!o || !i) return;
      setScale(Math.min(1, o.clientWidth / Math.max(1, i.scrollWidth), o.clientHeight / Math.max(1, i.scrollHeight)));
    };
    fit();
    const observer = new ResizeObserver(fit);
    if (outer.current) observer.observe(outer.current);
    if (inner.current) observer.observe(inner.current);
    return () => observer.disconnect();
  }, []);
  return (
    <div className="wall-fit" ref={outer}>
      <div ref={inner} className="wall-fit-inner" style={{ transform: `scale(${scale})` }} data-scale={scale.toFixed(2)}>
        {children}
      </div>
    </div>
  );
}

/**
 * 大屏模式 (issue 17): the hall for the command-center screen. No console chrome, large type, kept
 * current by the live events; with several sites (`?site=` repeated, or every site the viewer
 * sees) or several area plans it turns to the next every `?rotate=` seconds.
 */
export function WallPage() {
  const { t, lang } = useI18n();
  const live = useLive();
  const [params] = useSearchParams();
  const sites = useSites();
  const plansQuery = useQuery(hallPlanQueries.list());
  const wanted = params.getAll('site');
  const rotateS = Math.max(5, Number(params.get('rotate')) || DEFAULT_ROTATE_S);
  const order = useMemo(() => flattenTree(buildSiteTree(sites.data ?? [])).map((n) => n.site), [sites.data]);
  const slides = useMemo<Slide[]>(() => {
    const chosen = wanted.length ? order.filter((s) => wanted.includes(s.id)) : order;
    return chosen.flatMap((s): Slide[] => {
      const plans = plansOfSite(plansQuery.data ?? [], s.id);
      return plans.length ? plans.map((plan) => ({ siteId: s.id, plan })) : [{ siteId: s.id, plan: null }];
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `wanted` is read from the URL each render; its text is the dependency
  }, [order, plansQuery.data, wanted.join(',')]);
  const [index, setIndex] = useState(0);
  useEffect(() => {
    if (slides.length < 2) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % slides.length), rotateS * 1000);
    return () => clearInterval(timer);
  }, [slides.length, rotateS]);
  const slide = slides[index % Math.max(1, slides.length)];
  const siteId = slide?.siteId;

  const poll = { refetchInterval: live.pollInterval, enabled: Boolean(siteId) };
  const win = useQuery({ ...windows.queries.all({ siteId: siteId ?? '' }), ...poll });
  const term = useQuery({ ...terminals.queries.all({ siteId: siteId ?? '' }), ...poll });
  const sess = useQuery({ ...sessionQueries.live(siteId), ...poll });
  const pools = usePools();
  const lookups = useLookups({ windows: false });
  const views = useMemo(() => windowViews(win.data ?? [], term.data ?? [], sess.data ?? [], pools.data ?? []), [win.data, term.data, sess.data, pools.data]);
  const sitePlans = plansOfSite(plansQuery.data ?? [], siteId);
  const shown = slide?.plan ? viewsOnPlan(slide.plan, sitePlans, views) : views;
  const counts = countStates(shown);
  const loading = win.isPending || term.isPending || sess.isPending;
  const now = useNow(10_000);
  const site = order.find((s) => s.id === siteId);

  return (
    <div className="wall" data-testid="page-wall" data-site-id={siteId ?? ''} data-slide={`${index % Math.max(1, slides.length)}/${slides.length}`}>
      <header className="wall-head">
        <div className="wall-title">
          <span className="wall-app">{t('app.name')}</span>
          <span data-testid="wall-site">{site?.name ?? '—'}</span>
          {slide?.plan?.area && <span className="wall-area">{slide.plan.area}</span>}
        </div>
        <div className="wall-counts" data-testid="wall-counts">
          {WINDOW_STATES.filter((s) => s !== 'no-terminal').map((s) => (
            <span key={s} className="wall-count">
              <span className={`legend-swatch ws-${s}`} />
              {t(STATE_LABEL[s])}
              <b data-state={s}>{loading ? '—' : counts[s]}</b>
            </span>
          ))}
        </div>
        <div className="wall-clock" data-testid="wall-clock">
          {now.toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false })}
        </div>
      </header>
      <main className="wall-body">
        {!siteId ? (
          <div className="wall-empty">{sites.isPending ? t('common.loading') : t('wall.noSites')}</div>
        ) : loading ? (
          // until all three are in, a tile would read "no terminal" or "free" where neither is true
          <div className="wall-empty" data-testid="wall-loading">
            {t('common.loading')}
          </div>
        ) : slide?.plan ? (
          <PlanMap
            plan={slide.plan}
            views={shown}
            lookups={lookups}
            wall
            style={{ maxWidth: `calc((100vh - 170px) * ${slide.plan.width / slide.plan.height})` }}
          />
        ) : (
          <FitToBox>
            <div className="wall-grid">
              <HallMap views={shown} lookups={lookups} selectedId={null} onSelect={() => undefined} />
            </div>
          </FitToBox>
        )}
      </main>
      <footer className="wall-foot">
        <span className={`live-status live-${live.status}`} data-testid="live-status" data-status={live.status}>
          <span className="dot" /> {t(`live.${live.status}`)}
        </span>
        {slides.length > 1 && (
          <span className="wall-dots" data-testid="wall-dots">
            {slides.map((s, i) => (
              <span key={`${s.siteId}:${s.plan?.id ?? ''}`} className={i === index % slides.length ? 'on' : ''} />
            ))}
            {t('wall.rotating', { seconds: rotateS })}
          </span>
        )}
        <Link to={siteId ? `/hall/${siteId}` : '/hall'} className="wall-exit">
          {t('wall.exit')}
        </Link>
      </footer>
    </div>
  );
}
