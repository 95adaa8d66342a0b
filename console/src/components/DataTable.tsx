import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  width?: number | string;
  align?: 'left' | 'right' | 'center';
  className?: string;
  /** the list API's `sort` field this column orders by; the header becomes a sort button */
  sortKey?: string;
}

export interface SortState {
  sort: string;
  order: 'asc' | 'desc';
}

/** A click on the column sorted ascending turns it descending; any other column starts ascending. */
export function nextSort(current: SortState | null, sortKey: string): SortState {
  return current?.sort === sortKey && current.order === 'asc' ? { sort: sortKey, order: 'desc' } : { sort: sortKey, order: 'asc' };
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
  /** the server's order of `rows`; with `onSort`, columns with a `sortKey` are clickable */
  sort?: SortState | null;
  onSort?: (next: SortState) => void;
}

function SortHeader({ column, sort, onSort }: { column: { header: ReactNode; sortKey: string }; sort: SortState | null; onSort: (next: SortState) => void }) {
  const { t } = useI18n();
  const active = sort?.sort === column.sortKey ? sort.order : null;
  return (
    <button
      type="button"
      className={`th-sort ${active ? 'sorted' : ''}`}
      data-testid={`sort-${column.sortKey}`}
      title={t('common.sortBy')}
      onClick={() => onSort(nextSort(sort, column.sortKey))}
    >
      {column.header}
      <span className="sort-arrow" aria-hidden>
        {active === 'asc' ? '▲' : active === 'desc' ? '▼' : '↕'}
      </span>
    </button>
  );
}

/** A dense table; cells render through the column, so every string passes through t() upstream. */
export function DataTable<T>({ rows, columns, rowKey, empty, rowClassName, onRowClick, selectedKey, testId, sort = null, onSort }: Props<T>) {
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                style={{ width: c.width, textAlign: c.align }}
                aria-sort={sort && c.sortKey === sort.sort ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sortKey && onSort ? <SortHeader column={{ header: c.header, sortKey: c.sortKey }} sort={sort} onSort={onSort} /> : c.header}
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
