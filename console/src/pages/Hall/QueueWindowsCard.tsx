import { useQuery } from '@tanstack/react-query';
import { followUpQueries } from '../../api/rating-follow-up';
import { Badge } from '../../components/Badge';
import { Card } from '../../components/PageHeader';
import { useI18n } from '../../i18n/i18n';
import { formatRelative } from '../../i18n/core/format';

/** 排队叫号 at the counters of this site: the number each serves, and the windows paused (暂停叫号) since when, by whom. */
export function QueueWindowsCard({ siteId }: { siteId: string }) {
  const { t, lang } = useI18n();
  const queue = useQuery(followUpQueries.queueWindows());
  if (!queue.data?.enabled) return null;
  const rows = queue.data.items.filter((w) => w.siteId === siteId);
  return (
    <Card title={t('hall.queue')} testId="hall-queue">
      {rows.length === 0 ? (
        <p className="muted">{t('hall.queueIdle')}</p>
      ) : (
        <ul className="queue-windows">
          {rows.map((w) => (
            <li key={w.windowId} data-testid="hall-queue-window" data-window={w.windowCode} data-paused={w.pausedAt !== null}>
              <strong>{w.windowCode}</strong> {w.clerk ?? ''} {w.serving && <Badge tone="info">{t('hall.queueServing', { number: w.serving })}</Badge>}{' '}
              {w.pausedAt && <Badge tone="warn">{t('hall.queuePaused', { since: formatRelative(w.pausedAt, lang) })}</Badge>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
