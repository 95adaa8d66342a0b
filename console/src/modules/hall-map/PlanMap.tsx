import { useEffect, useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent } from 'react';
import type { HallPlan } from '../../api/hall-plans';
import { useI18n } from '../../i18n/i18n';
import type { Lookups } from '../lookups/lookups';
import { STATE_LABEL } from './HallMap';
import type { WindowView } from './window-state';

interface Props {
  plan: HallPlan;
  /** the windows this plan draws (placed or not) */
  views: WindowView[];
  lookups: Lookups;
  selectedId?: string | null;
  onSelect?: (view: WindowView) => void;
  /** drag tiles (and the tray's unplaced windows) onto the plan */
  editing?: boolean;
  onPlace?: (windowId: string, planX: number, planY: number) => void;
  /** the command-center screen: larger tiles and type */
  wall?: boolean;
  style?: CSSProperties;
}

interface Drag {
  windowId: string;
  fromTray: boolean;
  startX: number;
  startY: number;
  x: number;
  y: number;
  moved: boolean;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));
/** px a pointer must travel before a press on a tile is a drag rather than a click */
const DRAG_THRESHOLD = 4;

/**
 * The hall drawn on its floor plan: each window's tile at its place (fractions of the image, so
 * it scales with the screen), coloured by live state. In editing mode tiles are dragged to
 * their place; windows not yet placed wait in a tray beside the plan.
 */
export function PlanMap({ plan, views, lookups, selectedId, onSelect, editing, onPlace, wall, style }: Props) {
  const { t } = useI18n();
  const area = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  // where a drop put a tile until the broker's answer comes back through the window list
  const [local, setLocal] = useState<Map<string, [number, number]>>(new Map());

  // a dropped tile keeps its local place until the window list brings the same place back
  useEffect(
    () =>
      setLocal((m) => {
        const left = new Map([...m].filter(([id, [x, y]]) => views.some((v) => v.window.id === id && (v.window.planX !== x || v.window.planY !== y))));
        return left.size === m.size ? m : left;
      }),
    [views],
  );

  const fractionAt = (clientX: number, clientY: number): [number, number] | null => {
    const r = area.current?.getBoundingClientRect();
    if (!r || clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom) return null;
    return [clamp((clientX - r.left) / r.width), clamp((clientY - r.top) / r.height)];
  };

  useEffect(() => {
    if (!drag) return;
    const move = (e: PointerEvent) =>
      setDrag((d) => (d ? { ...d, x: e.clientX, y: e.clientY, moved: d.moved || Math.hypot(e.clientX - d.startX, e.clientY - d.startY) > DRAG_THRESHOLD } : d));
    const up = (e: PointerEvent) => {
      setDrag(null);
      const view = views.find((v) => v.window.id === drag.windowId);
      const moved = drag.moved || Math.hypot(e.clientX - drag.startX, e.clientY - drag.startY) > DRAG_THRESHOLD;
      if (!moved) {
        if (view) onSelect?.(view);
        return;
      }
      const at = fractionAt(e.clientX, e.clientY);
      if (!at) return;
      const rounded: [number, number] = [Math.round(at[0] * 10000) / 10000, Math.round(at[1] * 10000) / 10000];
      setLocal((m) => new Map(m).set(drag.windowId, rounded));
      onPlace?.(drag.windowId, rounded[0], rounded[1]);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-armed per drag; the handlers read the drag it started with
  }, [drag?.windowId]);

  const start = (e: ReactPointerEvent, windowId: string, fromTray: boolean) => {
    if (!editing || e.button !== 0) return;
    e.preventDefault();
    setDrag({ windowId, fromTray, startX: e.clientX, startY: e.clientY, x: e.clientX, y: e.clientY, moved: false });
  };

  const placeOf = (v: WindowView): [number, number] | null => {
    if (drag?.moved && drag.windowId === v.window.id && !drag.fromTray) return fractionAt(drag.x, drag.y) ?? local.get(v.window.id) ?? null;
    const pending = local.get(v.window.id);
    if (pending) return pending;
    return v.window.planX !== null && v.window.planY !== null ? [v.window.planX, v.window.planY] : null;
  };

  const label = (v: WindowView) => {
    const clerk = v.session ? lookups.account.get(v.session.accountId) : undefined;
    return clerk && v.state !== 'offline' ? clerk.displayName : t(STATE_LABEL[v.state]);
  };

  const placed = views.flatMap((v) => {
    const at = placeOf(v);
    return at ? [{ v, at }] : [];
  });
  const tray = views.filter((v) => !placeOf(v));
  const ghost = drag?.moved && drag.fromTray ? views.find((v) => v.window.id === drag.windowId) : undefined;

  return (
    <div className={`plan-layout ${wall ? 'plan-wall' : ''}`}>
      <div className={`plan-map ${editing ? 'editing' : ''}`} data-testid="plan-map" data-plan-id={plan.id} style={style}>
        <div className="plan-area" ref={area} style={{ aspectRatio: `${plan.width} / ${plan.height}` }}>
          <img className="plan-image" src={plan.imageUrl} alt={t('plan.imageAlt')} draggable={false} />
          {placed.map(({ v, at }) => (
            <button
              key={v.window.id}
              type="button"
              className={`window-tile plan-tile ws-${v.state} ${selectedId === v.window.id ? 'selected' : ''} ${drag?.windowId === v.window.id ? 'dragging' : ''}`}
              style={{ left: `${at[0] * 100}%`, top: `${at[1] * 100}%` }}
              data-window-code={v.window.code}
              data-state={v.state}
              aria-label={`${v.window.code} ${t(STATE_LABEL[v.state])}`}
              title={`${v.window.code}${v.window.label ? ` ${v.window.label}` : ''} · ${label(v)}`}
              onPointerDown={(e) => start(e, v.window.id, false)}
              onClick={() => !editing && onSelect?.(v)}
            >
              <span className="tile-code">{v.window.code}</span>
              <span className="tile-state">{label(v)}</span>
              {v.terminalOffline && v.state !== 'offline' && <span className="tile-warn">⚠</span>}
            </button>
          ))}
        </div>
      </div>
      {editing && (
        <div className="plan-tray" data-testid="plan-tray">
          <div className="muted small">{tray.length ? t('plan.trayHelp') : t('plan.trayEmpty')}</div>
          {tray.map((v) => (
            <button
              key={v.window.id}
              type="button"
              className={`window-tile plan-chip ws-${v.state}`}
              data-window-code={v.window.code}
              onPointerDown={(e) => start(e, v.window.id, true)}
            >
              <span className="tile-code">{v.window.code}</span>
            </button>
          ))}
        </div>
      )}
      {ghost && drag && (
        <div className={`window-tile plan-ghost ws-${ghost.state}`} style={{ left: drag.x, top: drag.y }}>
          <span className="tile-code">{ghost.window.code}</span>
        </div>
      )}
    </div>
  );
}
