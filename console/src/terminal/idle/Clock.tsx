import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/** Date and time of the hall (the terminal's clock, set by the agent). */
export function Clock({ compact = false }: { compact?: boolean }) {
  const { lang } = useI18n();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const time = now.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', hour12: false, ...(compact ? {} : { second: '2-digit' }) });
  if (compact) return <span className="clock-compact">{time}</span>;
  const date = now.toLocaleDateString(lang, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });
  return (
    <div className="clock" aria-live="off">
      <div className="clock-time">{time}</div>
      <div className="clock-date">{date}</div>
    </div>
  );
}
