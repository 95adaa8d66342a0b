import { forwardRef, useEffect, useState } from 'react';
import type { RatingCase } from '../api/window-api';
import type { HeldDesktop } from '../app/held-desktops';
import type { ConnectionPhase } from '../guac/desktop-connection';
import { Clock } from '../idle/Clock';
import { useI18n } from '../i18n/i18n';

interface Props {
  windowCode: string | null;
  desktops: HeldDesktop[];
  activeId: string | null;
  phases: Record<string, ConnectionPhase['kind']>;
  onSwitch(index: number): void;
  onAdd(): void;
  onRate(): void;
  /** 办件编号 / 事项编码 of the service at the counter (typed or scanned), carried into the rating */
  ratingCase: RatingCase;
  onCaseChange(ratingCase: RatingCase): void;
  /** 评价器: pair a rating pad at this counter; `pads` paired now */
  onPad(): void;
  pads: number;
  onDisconnect(): void;
  onLogoff(): void;
  /** Escape in the bar: back to the desktop */
  onLeaveBar(): void;
}

/** the case at the counter: typed, or scanned (a scanner types too) */
const CASE_FIELDS = [
  { field: 'caseNumber', testId: 'case-number', label: 'bar.caseNumber' },
  { field: 'itemCode', testId: 'item-code', label: 'bar.itemCode' },
] as const;

/** How long the 注销 confirmation stays up, in ms. */
const CONFIRM_MS = 6_000;

/** The thin bar over the desktop: held desktops (Ctrl+Alt+Shift+n), the case at the counter, 请评价, 断开, 注销. */
export const TopBar = forwardRef<HTMLElement, Props>(function TopBar(props, ref) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const timer = window.setTimeout(() => setConfirming(false), CONFIRM_MS);
    return () => window.clearTimeout(timer);
  }, [confirming]);

  return (
    <nav ref={ref} className="top-bar" data-keeps-focus data-testid="top-bar" onKeyDown={(e) => e.key === 'Escape' && props.onLeaveBar()}>
      <div className="bar-desktops" role="tablist" title={t('bar.switchHint')}>
        {props.desktops.map((d, i) => (
          <button
            key={d.session.id}
            type="button"
            role="tab"
            aria-selected={d.session.id === props.activeId}
            className="bar-tab"
            data-testid="desktop-tab"
            data-phase={props.phases[d.session.id] ?? 'connecting'}
            onClick={() => props.onSwitch(i)}
          >
            <span className="bar-tab-index">{i + 1}</span>
            {d.session.poolName}
            <span className="bar-tab-dot" aria-hidden="true" />
          </button>
        ))}
        <button type="button" className="bar-button" data-testid="add-desktop" onClick={props.onAdd}>
          {t('bar.addDesktop')}
        </button>
      </div>
      <div className="bar-actions">
        {props.windowCode && <span className="bar-window">{props.windowCode}</span>}
        <Clock compact />
        {CASE_FIELDS.map(({ field, testId, label }) => (
          <input
            key={field}
            className="bar-case"
            data-testid={testId}
            aria-label={t(label)}
            placeholder={t(label)}
            maxLength={64}
            value={props.ratingCase[field] ?? ''}
            onChange={(e) => props.onCaseChange({ ...props.ratingCase, [field]: e.target.value.trim() })}
          />
        ))}
        <button
          type="button"
          className="bar-button bar-rate"
          data-testid="rate"
          disabled={props.phases[props.activeId ?? ''] !== 'live'}
          onClick={props.onRate}
        >
          {t('bar.rate')}
        </button>
        <button type="button" className="bar-button" data-testid="pad" data-pads={props.pads} onClick={props.onPad}>
          {t('bar.pad')}
          {props.pads > 0 ? ' ✓' : ''}
        </button>
        <button type="button" className="bar-button" data-testid="disconnect" onClick={props.onDisconnect}>
          {t('bar.disconnect')}
        </button>
        {confirming ? (
          <button
            type="button"
            className="bar-button bar-danger"
            data-testid="logoff-confirm"
            title={t('bar.confirmLogoff')}
            autoFocus
            onClick={() => {
              setConfirming(false);
              props.onLogoff();
            }}
          >
            {t('bar.confirm')}
          </button>
        ) : (
          <button type="button" className="bar-button" data-testid="logoff" onClick={() => setConfirming(true)}>
            {t('bar.logoff')}
          </button>
        )}
      </div>
    </nav>
  );
});
