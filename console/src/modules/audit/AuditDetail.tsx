import { useI18n } from '../../i18n/i18n';
import type { AuditEvent } from '../../api/types';

type Row = { field: string; before: unknown; after: unknown; changed: boolean };

/** A value as a person reads it: text as is, nothing as —, lists and objects compact. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return JSON.stringify(value);
}

/** Field by field: what a change changed first, then the fields it left alone. */
export function auditDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Row[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((f) => f !== 'updatedAt' && f !== 'createdAt');
  const rows = fields.map((field) => {
    const b = before?.[field];
    const a = after?.[field];
    return { field, before: b, after: a, changed: JSON.stringify(b ?? null) !== JSON.stringify(a ?? null) };
  });
  return [...rows.filter((r) => r.changed), ...rows.filter((r) => !r.changed)];
}

/** The detail of one event: a before/after table of its change and its other information, never raw JSON. */
export function AuditDetail({ event }: { event: AuditEvent }) {
  const { t } = useI18n();
  const rows = auditDiff(event.before, event.after);
  const details = Object.entries(event.details ?? {});
  return (
    <div className="audit-detail" data-testid="audit-detail">
      <h3>
        {t('audit.detailTitle')}：{event.actionName}
      </h3>
      {(event.before || event.after) && (
        <table className="data-table audit-diff" data-testid="audit-diff">
          <thead>
            <tr>
              <th>{t('audit.diff.field')}</th>
              <th>{t('audit.diff.before')}</th>
              <th>{t('audit.diff.after')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.field} className={r.changed ? 'changed' : 'muted'} data-changed={r.changed}>
                <td>{r.field}</td>
                <td className={r.changed && event.before ? 'diff-old' : undefined}>{shown(r.before)}</td>
                <td className={r.changed && event.after ? 'diff-new' : undefined}>{shown(r.after)}</td>
              </tr>
            ))}
            {event.before && event.after && !rows.some((r) => r.changed) && (
              <tr>
                <td colSpan={3} className="muted">
                  {t('audit.diff.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {details.length > 0 && (
        <dl className="audit-more">
          <dt className="muted">{t('audit.moreInfo')}</dt>
          {details.map(([k, v]) => (
            <dd key={k}>
              <span className="muted">{k}</span> {shown(v)}
            </dd>
          ))}
        </dl>
      )}
    </div>
  );
}
