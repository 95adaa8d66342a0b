import { useT } from '../i18n/i18n';
import { formatInt } from '../i18n/core/format';

export function Pagination({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const t = useT();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="pagination">
      <span className="muted">{t('table.total', { total: formatInt(total) })}</span>
      <button className="btn btn-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('table.prev')}
      </button>
      <span>{t('table.pageOf', { page, pages })}</span>
      <button className="btn btn-small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('table.next')}
      </button>
    </div>
  );
}
