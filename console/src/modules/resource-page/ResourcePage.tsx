import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { ImportKind } from '../../api/imports';
import type { CrudResource } from '../../api/resource';
import { actionsColumn, DataTable, EditDeleteButtons, type Column, type SortState } from '../../components/DataTable';
import { Drawer } from '../../components/Drawer';
import { EmptyState } from '../../components/EmptyState';
import { useFeedback } from '../../components/Feedback';
import { PageHeader, Toolbar } from '../../components/PageHeader';
import { Pagination } from '../../components/Pagination';
import { useT, type MessageKey } from '../../i18n/i18n';
import { useAuth } from '../auth/AuthProvider';
import { CsvImport } from '../csv-import/CsvImport';
import { EntityForm, type FieldSpec, type Option, type Values } from '../entity-form/EntityForm';
import { QueryView } from '../../components/QueryView';

export interface FilterSpec {
  name: string;
  label: MessageKey;
  kind: 'text' | 'select';
  options?: Option[];
}

interface Props<T extends { id: string }> {
  testId: string;
  title: MessageKey;
  subtitle?: MessageKey;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one page serves every resource's body types
  resource: CrudResource<T, any, any, any>;
  columns: Column<T>[];
  fields: FieldSpec[];
  /** values of a new row's form */
  defaults: Values;
  /** a row as form values */
  toValues: (row: T) => Values;
  /** the form's body before it is sent, for fields that go together (a window's printer) */
  toBody?: (body: Record<string, unknown>, values: Values) => Record<string, unknown>;
  filters?: FilterSpec[];
  importKind?: ImportKind;
  /** shown once after create (e.g. a terminal's credential) */
  afterCreate?: (created: T & Record<string, unknown>) => ReactNode;
  nameOf: (row: T) => string;
  pageSize?: number;
  extraActions?: ReactNode;
  rowActions?: (row: T) => ReactNode;
}

/**
 * List + filters + create/edit drawer + delete + CSV import for one admin resource. Write
 * controls appear only for accounts that may write; the API checks again.
 */
export function ResourcePage<T extends { id: string }>(props: Props<T>) {
  const t = useT();
  const { canWrite } = useAuth();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const pageSize = props.pageSize ?? 50;
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<SortState | null>(null);
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [created, setCreated] = useState<(T & Record<string, unknown>) | null>(null);
  const query = { ...filters, ...sort, page, pageSize };
  const list = useQuery({ ...props.resource.queries.list(query), placeholderData: keepPreviousData });
  const client = props.resource.client as unknown as {
    create(body: Record<string, unknown>): Promise<T>;
    update(id: string, body: Record<string, unknown>): Promise<T>;
    remove(id: string): Promise<void>;
  };

  const refresh = () => queryClient.invalidateQueries({ queryKey: props.resource.keys.root });
  const save = async (formBody: Record<string, unknown>, values: Values) => {
    const body = props.toBody ? props.toBody(formBody, values) : formBody;
    if (editing === 'new') {
      const row = (await client.create(body)) as T & Record<string, unknown>;
      feedback.ok(t('common.createdOk', { name: props.nameOf(row) }));
      if (props.afterCreate) setCreated(row);
    } else if (editing) {
      if (Object.keys(body).length) await client.update(editing.id, body);
      feedback.ok(t('common.savedOk'));
    }
    setEditing(null);
    await refresh();
  };
  const remove = async (row: T) => {
    const ok = await feedback.confirm({
      title: t('common.deleteTitle', { name: props.nameOf(row) }),
      body: t('common.deleteBody'),
      danger: true,
      confirmLabel: t('common.delete'),
    });
    if (!ok) return;
    try {
      await client.remove(row.id);
      feedback.ok(t('common.deletedOk'));
      await refresh();
    } catch (err) {
      feedback.error(err);
    }
  };

  const columns: Column<T>[] = [
    ...props.columns,
    ...actionsColumn(canWrite || props.rowActions !== undefined, (row: T) => (
      <span className="row-actions">
        {props.rowActions?.(row)}
        {canWrite && <EditDeleteButtons onEdit={() => setEditing(row)} onDelete={() => void remove(row)} />}
      </span>
    )),
  ];

  return (
    <div data-testid={props.testId}>
      <PageHeader
        title={t(props.title)}
        subtitle={props.subtitle ? t(props.subtitle) : undefined}
        actions={
          canWrite && (
            <>
              {props.extraActions}
              {props.importKind && (
                <button className="btn" onClick={() => setImporting(true)} data-testid="open-import">
                  {t('import.open')}
                </button>
              )}
              <button className="btn btn-primary" onClick={() => setEditing('new')} data-testid="create">
                {t('common.new')}
              </button>
            </>
          )
        }
      />
      {props.filters && props.filters.length > 0 && (
        <Toolbar>
          {props.filters.map((f) =>
            f.kind === 'select' ? (
              <select
                key={f.name}
                aria-label={t(f.label)}
                value={filters[f.name] ?? ''}
                onChange={(e) => {
                  setFilters({ ...filters, [f.name]: e.target.value });
                  setPage(1);
                }}
              >
                <option value="">{t('common.allOf', { what: t(f.label) })}</option>
                {(f.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                key={f.name}
                className="search"
                placeholder={t(f.label)}
                value={filters[f.name] ?? ''}
                onChange={(e) => {
                  setFilters({ ...filters, [f.name]: e.target.value });
                  setPage(1);
                }}
              />
            ),
          )}
        </Toolbar>
      )}
      <QueryView query={list}>
        {(data) => (
          <>
            <DataTable
              rows={data.items}
              columns={columns}
              rowKey={(r) => r.id}
              empty={<EmptyState title={t('common.empty')} />}
              testId={`${props.testId}-table`}
              sort={sort}
              onSort={(next) => {
                setSort(next);
                setPage(1);
              }}
            />
            <Pagination page={page} pageSize={pageSize} total={data.total} onPage={setPage} />
          </>
        )}
      </QueryView>
      {editing && (
        <Drawer
          title={editing === 'new' ? t('common.newTitle', { what: t(props.title) }) : t('common.editTitle', { name: props.nameOf(editing) })}
          onClose={() => setEditing(null)}
        >
          <EntityForm
            key={editing === 'new' ? 'new' : editing.id}
            fields={props.fields}
            initial={editing === 'new' ? props.defaults : props.toValues(editing)}
            mode={editing === 'new' ? 'create' : 'edit'}
            onSubmit={save}
            onCancel={() => setEditing(null)}
            testId="entity-form"
          />
        </Drawer>
      )}
      {created && props.afterCreate && (
        <Drawer title={t('common.createdTitle', { name: props.nameOf(created) })} onClose={() => setCreated(null)}>
          {props.afterCreate(created)}
        </Drawer>
      )}
      {importing && props.importKind && <CsvImport kind={props.importKind} onClose={() => setImporting(false)} />}
    </div>
  );
}
