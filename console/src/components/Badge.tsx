import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'ok' | 'info' | 'warn' | 'bad' | 'muted' | 'accent';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function Dot({ tone }: { tone: Tone }) {
  return <span className={`dot dot-${tone}`} aria-hidden />;
}

/** used / total as a thin bar with the numbers beside it */
export function CapacityBar({ used, total, down = 0, label }: { used: number; total: number; down?: number; label?: string }) {
  const pct = total ? Math.min(100, (used / total) * 100) : 0;
  const downPct = total ? Math.min(100 - pct, (down / total) * 100) : 0;
  const tone = total === 0 ? 'muted' : pct >= 90 ? 'bad' : pct >= 70 ? 'warn' : 'ok';
  return (
    <span className="capacity" title={label}>
      <span className="capacity-track">
        <span className={`capacity-fill fill-${tone}`} style={{ width: `${pct}%` }} />
        {downPct > 0 && <span className="capacity-down" style={{ width: `${downPct}%` }} />}
      </span>
      <span className="capacity-text">
        {used}/{total}
      </span>
    </span>
  );
}
