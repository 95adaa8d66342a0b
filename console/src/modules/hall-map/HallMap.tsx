import { useState } from 'react';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { formatRelative } from '../../i18n/core/format';
import type { Lookups } from '../lookups/lookups';
import { gridPlacement, WINDOW_STATES, type WindowState, type WindowView } from './window-state';

export const STATE_LABEL: Record<WindowState, MessageKey> = {
  'in-use': 'hall.state.inUse',
  disconnected: 'hall.state.disconnected',
  offline: 'hall.state.offline',
  maintenance: 'hall.state.maintenance',
  free: 'hall.state.free',
  'no-terminal': 'hall.state.noTerminal',
};

export function Legend({ counts }: { counts: Record<WindowState, number> }) {
  const { t } = useI18n();
  return (
    <div className="legend" data-testid="hall-legend">
      {WINDOW_STATES.map((s) => (
        <span key={s} className="legend-item">
          <span className={`legend-swatch ws-${s}`} />
          {t(STATE_LABEL[s])}
          <b>{counts[s]}</b>
        </span>
      ))}
    </div>
  );
}

/** A town window's mark: its desktops go through a town connector (⇄), or that connector is down (⚠, the tile outlined). */
function ConnectorMark({ view }: { view: WindowView }) {
  const { t } = useI18n();
  if (!view.connectorDown && view.viaConnectors.length === 0) return null;
  const names = view.viaConnectors.map((c) => c.name).join('、');
  return view.connectorDown ? (
    <span className="tile-via down" data-testid="tile-connector-down" title={`${t('hall.connectorDown')}${names ? `：${names}` : ''}`}>
      ⚠ {t('hall.connectorShort')}
    </span>
  ) : (
    <span className="tile-via" data-testid="tile-via-connector" title={`${t('hall.viaConnector')}：${names}`}>
      ⇄
    </span>
  );
}

interface Props {
  views: WindowView[];
  lookups: Lookups;
  selectedId: string | null;
  onSelect: (view: WindowView) => void;
}

/** Every window in its place in the hall, coloured by state; hover for who, click for details. */
export function HallMap({ views, lookups, selectedId, onSelect }: Props) {
  const { t, lang } = useI18n();
  const [hover, setHover] = useState<{ view: WindowView; x: number; y: number } | null>(null);
  const placement = gridPlacement(views.map((v) => v.window));

  const tile = (v: WindowView) => {
    const clerk = v.session ? lookups.account.get(v.session.accountId) : undefined;
    const dept = v.session?.departmentId ?? v.window.departmentId;
    return (
      <button
        key={v.window.id}
        type="button"
        className={`window-tile ws-${v.state} ${selectedId === v.window.id ? 'selected' : ''} ${v.connectorDown ? 'connector-down' : ''}`}
        data-window-code={v.window.code}
        data-state={v.state}
        aria-label={`${v.window.code} ${t(STATE_LABEL[v.state])}`}
        style={placement.positioned ? { gridColumn: v.window.posX + 1, gridRow: v.window.posY + 1 } : undefined}
        onClick={() => onSelect(v)}
        onMouseEnter={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setHover({ view: v, x: r.left + r.width / 2, y: r.bottom });
        }}
        onMouseLeave={() => setHover(null)}
      >
        <span className="tile-code">{v.window.code}</span>
        <span className="tile-dept">{dept ? lookups.departmentName(dept) : (v.window.label ?? '')}</span>
        <span className="tile-state">{clerk && v.state !== 'offline' ? clerk.displayName : t(STATE_LABEL[v.state])}</span>
        {v.terminalOffline && v.state !== 'offline' && (
          <span className="tile-warn" data-testid="tile-terminal-offline" title={t('hall.state.offline')}>
            ⚠
          </span>
        )}
        {v.sessions.length > 1 && <span className="tile-multi">×{v.sessions.length}</span>}
        <ConnectorMark view={v} />
      </button>
    );
  };

  let body;
  if (placement.positioned) {
    body = (
      <div
        className="hall-grid"
        style={{
          gridTemplateColumns: `repeat(${placement.columns}, minmax(88px, 1fr))`,
          // rows without windows are aisles: drawn narrow
          gridTemplateRows: Array.from({ length: placement.rows }, (_, r) => (placement.usedRows.has(r) ? '76px' : '18px')).join(' '),
        }}
      >
        {views.map(tile)}
      </div>
    );
  } else {
    const areas = new Map<string, WindowView[]>();
    for (const v of [...views].sort((a, b) => a.window.code.localeCompare(b.window.code, 'zh-CN', { numeric: true }))) {
      const area = v.window.area ?? '';
      areas.set(area, [...(areas.get(area) ?? []), v]);
    }
    body = (
      <>
        <div className="muted small">{t('hall.flowNotice')}</div>
        {[...areas].map(([area, list]) => (
          <div key={area} className="hall-area">
            {area && <h4>{area}</h4>}
            <div className="hall-flow">{list.map(tile)}</div>
          </div>
        ))}
      </>
    );
  }

  const hv = hover?.view;
  return (
    <div className="hall-map" data-testid="hall-map">
      {body}
      {hover && hv && (
        <div className="hall-tooltip" style={{ left: hover.x, top: hover.y + 6 }} role="tooltip">
          <div className="tt-title">
            {hv.window.code} {hv.window.label && <span className="muted">{hv.window.label}</span>}
          </div>
          <div>{t(STATE_LABEL[hv.state])}</div>
          {hv.session && (
            <>
              <div>
                {t('hall.clerk')}：{lookups.accountName(hv.session.accountId)}
              </div>
              <div>
                {t('hall.department')}：{lookups.departmentName(hv.session.departmentId)}
              </div>
              <div>
                {t('hall.since')}：{formatRelative(hv.session.activeAt ?? hv.session.requestedAt, lang)}
              </div>
            </>
          )}
          {!hv.session && hv.window.departmentId && (
            <div>
              {t('hall.department')}：{lookups.departmentName(hv.window.departmentId)}
            </div>
          )}
          {hv.terminal && (
            <div className="muted">
              {hv.terminal.name} · {hv.terminal.online ? t('terminal.online') : t('terminal.offline')}
            </div>
          )}
          {(hv.connectorDown || hv.viaConnectors.length > 0) && (
            <div className={hv.connectorDown ? 'tt-bad' : 'muted'}>
              {t('hall.viaConnector')}：{hv.viaConnectors.map((c) => c.name).join('、') || '—'} ·{' '}
              {hv.connectorDown ? t('hall.connectorDown') : t('connector.online')}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
