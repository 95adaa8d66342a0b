import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  width?: number | string;
  align?: 'left' | 'right' | 'center';
  className?: string;
}

/** The right-aligned column of a row's buttons, there only when `shown` (for those who may write). */
export function actionsColumn<T>(shown: boolean, render: (row: T) => ReactNode, width?: number): Column<T>[] {
  return shown ? [{ key: '_actions', header: '', align: 'right', render, ...(width === undefined ? {} : { width }) }] : [];
}

/** A row's 编辑 and 删除 buttons (the caller asks before deleting). */
export function EditDeleteButtons({ onEdit, onDelete }: { onEdit: () => void; onDelete: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <button className="btn btn-small" onClick={onEdit}>
        {t('common.edit')}
      </button>
      <button className="btn btn-small btn-danger-outline" onClick={onDelete}>
        {t('common.delete')}
      </button>
    </>
  );
}

interface Props<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty?: ReactNode;
  rowClassName?: (row: T) => string | undefined;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  testId?: string;
}

/** A dense table; cells render through the column, so every string passes through t() upstream. */
export function DataTable<T>({ rows, columns, rowKey, empty, rowClassName, onRowClick, selectedKey, testId }: Props<T>) {
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} style={{ width: c.width, textAlign: c.align }}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="table-empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => {
              const key = rowKey(row);
              const classes = [rowClassName?.(row), onRowClick ? 'clickable' : undefined, key === selectedKey ? 'selected' : undefined]
                .filter(Boolean)
                .join(' ');
              return (
                <tr key={key} className={classes || undefined} onClick={onRowClick ? () => onRowClick(row) : undefined} data-key={key}>
                  {columns.map((c) => (
                    <td key={c.key} style={{ textAlign: c.align }} className={c.className}>
                      {c.render(row)}
                    </td>
                  ))}
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
