import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api/api-error';
import { ErrorView } from '../../components/ErrorView';
import { useI18n, useT, type MessageKey } from '../../i18n/i18n';

export interface Option {
  value: string;
  label: string;
}

export interface FieldSpec {
  name: string;
  label: MessageKey;
  kind: 'text' | 'password' | 'number' | 'select' | 'multiselect' | 'checkbox' | 'textarea';
  required?: boolean;
  /** an emptied field is sent as null (nullable columns) instead of being left out */
  nullable?: boolean;
  options?: Option[];
  placeholder?: string;
  help?: MessageKey;
  /** only when creating (e.g. username) or only when editing */
  only?: 'create' | 'edit';
  min?: number;
  max?: number;
  /** "section" heading shown before this field */
  section?: MessageKey;
  /** path in the body, e.g. settings.width; defaults to name */
  path?: string;
}

export type Values = Record<string, unknown>;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof cur[part] !== 'object' || cur[part] === null) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Form values → API body: create sends what is filled in, edit sends only what changed. */
export function bodyOf(fields: FieldSpec[], values: Values, initial: Values, mode: 'create' | 'edit'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.only && f.only !== mode) continue;
    let v = values[f.name];
    if (f.kind === 'number') v = v === '' || v === undefined || v === null ? null : Number(v);
    if ((f.kind === 'text' || f.kind === 'textarea' || f.kind === 'select') && typeof v === 'string') v = v.trim() === '' ? null : v.trim();
    if (f.kind === 'password' && v === '') v = null;
    if (v === null || v === undefined) {
      if (!f.nullable) continue;
      v = null;
    }
    if (mode === 'edit' && same(v, initial[f.name])) continue;
    setPath(body, f.path ?? f.name, v);
  }
  return body;
}

function fieldErrors(error: unknown, lang: string): Map<string, string> {
  const map = new Map<string, string>();
  // a duplicate names its field (details.field): the message goes beside that field too
  if (error instanceof ApiError && error.code === 'CONFLICT' && typeof error.details.field === 'string') map.set(error.details.field, error.localized(lang));
  if (error instanceof ApiError) {
    for (const issue of error.issues) {
      const key = issue.path.replace(/^body\./, '');
      map.set(key, issue.message);
      map.set(key.split('.')[0]!, issue.message);
    }
  }
  return map;
}

interface Props {
  fields: FieldSpec[];
  initial: Values;
  mode: 'create' | 'edit';
  onSubmit: (body: Record<string, unknown>, values: Values) => Promise<unknown>;
  onCancel?: () => void;
  submitLabel?: string;
  extra?: ReactNode;
  testId?: string;
}

/** One form for every simple resource; the broker validates, its field errors show in place. */
export function EntityForm({ fields, initial, mode, onSubmit, onCancel, submitLabel, extra, testId }: Props) {
  const t = useT();
  const [values, setValues] = useState<Values>(initial);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const { lang } = useI18n();
  const errors = fieldErrors(error, lang);
  const set = (name: string, value: unknown) => setValues((v) => ({ ...v, [name]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await onSubmit(bodyOf(fields, values, initial, mode), values);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="entity-form" onSubmit={(e) => void submit(e)} data-testid={testId} noValidate>
      {error !== null && <ErrorView error={error} />}
      {fields
        .filter((f) => !f.only || f.only === mode)
        .map((f) => (
          <div key={f.name}>
            {f.section && <h4 className="form-section">{t(f.section)}</h4>}
            <Field spec={f} value={values[f.name]} onChange={(v) => set(f.name, v)} error={errors.get(f.path ?? f.name)} />
          </div>
        ))}
      {extra}
      <div className="form-actions">
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={pending} data-testid="form-submit">
          {pending ? t('common.saving') : (submitLabel ?? (mode === 'create' ? t('common.create') : t('common.save')))}
        </button>
      </div>
    </form>
  );
}

function Field({ spec, value, onChange, error }: { spec: FieldSpec; value: unknown; onChange: (v: unknown) => void; error: string | undefined }) {
  const t = useT();
  const id = `f-${spec.name}`;
  const label = (
    <label htmlFor={id} className="field-label">
      {t(spec.label)}
      {spec.required && <span className="required">*</span>}
    </label>
  );
  let input: ReactNode;
  switch (spec.kind) {
    case 'checkbox':
      return (
        <div className={`field field-check ${error ? 'has-error' : ''}`}>
          <label className="check">
            <input id={id} name={spec.name} type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />
            {t(spec.label)}
          </label>
          {spec.help && <div className="field-help">{t(spec.help)}</div>}
          {error && <div className="field-error">{error}</div>}
        </div>
      );
    case 'select':
      input = (
        <select id={id} name={spec.name} value={(value as string | null) ?? ''} onChange={(e) => onChange(e.target.value)}>
          {!spec.required || !value ? <option value="">{t('common.choose')}</option> : null}
          {(spec.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'multiselect':
      input = <MultiSelect id={id} options={spec.options ?? []} value={(value as string[] | undefined) ?? []} onChange={onChange} />;
      break;
    case 'textarea':
      input = <textarea id={id} name={spec.name} value={(value as string | null) ?? ''} onChange={(e) => onChange(e.target.value)} rows={3} />;
      break;
    default:
      input = (
        <input
          id={id}
          name={spec.name}
          type={spec.kind}
          value={value === null || value === undefined ? '' : String(value)}
          placeholder={spec.placeholder}
          min={spec.min}
          max={spec.max}
          autoComplete={spec.kind === 'password' ? 'new-password' : 'off'}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className={`field ${error ? 'has-error' : ''}`}>
      {label}
      {input}
      {spec.help && <div className="field-help">{t(spec.help)}</div>}
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}

/** Checkbox list; the order of selection is kept (gateway priority). */
function MultiSelect({ id, options, value, onChange }: { id: string; options: Option[]; value: string[]; onChange: (v: string[]) => void }) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const shown = options.filter((o) => !filter || o.label.toLowerCase().includes(filter.toLowerCase()));
  const toggle = (v: string) => onChange(value.includes(v) ? value.filter((x) => x !== v) : [...value, v]);
  return (
    <div className="multiselect" id={id}>
      {options.length > 8 && (
        <input className="multiselect-filter" placeholder={t('common.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
      )}
      <div className="multiselect-list">
        {shown.length === 0 && <div className="muted">{t('common.noOptions')}</div>}
        {shown.map((o) => {
          const index = value.indexOf(o.value);
          return (
            <label key={o.value} className="check">
              <input type="checkbox" checked={index >= 0} onChange={() => toggle(o.value)} data-value={o.value} />
              {o.label}
              {index >= 0 && value.length > 1 && <span className="order">#{index + 1}</span>}
            </label>
          );
        })}
      </div>
    </div>
  );
}
