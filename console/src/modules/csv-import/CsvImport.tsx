import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../../api/api-error';
import { importsApi, type ImportKind, type ImportReport } from '../../api/imports';
import { Badge } from '../../components/Badge';
import { DataTable } from '../../components/DataTable';
import { Drawer } from '../../components/Drawer';
import { ErrorView } from '../../components/ErrorView';
import { useFeedback } from '../../components/Feedback';
import { useT } from '../../i18n/i18n';
import { formatInt } from '../../i18n/core/format';
import { downloadText, toCsv } from '../csv/csv';
import { IMPORT_TEMPLATES } from '@yunzhuo/protocol/api/import-templates';

/**
 * Upload → dry-run preview (bad rows in red with their errors) → apply. The broker applies all
 * rows in one transaction or none, so "apply" is only offered when every row is good.
 */
export function CsvImport({ kind, onClose }: { kind: ImportKind; onClose: () => void }) {
  const t = useT();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<'preview' | 'apply' | null>(null);

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setPending(dryRun ? 'preview' : 'apply');
    setError(null);
    try {
      const result = await importsApi.run(kind, file, dryRun);
      setReport(result);
      if (!dryRun && result.applied) {
        feedback.ok(t('import.applied', { count: formatInt(result.total) }));
        await queryClient.invalidateQueries({ queryKey: [kind] });
        onClose();
      }
    } catch (err) {
      if (isApiError(err, 'IMPORT_INVALID') && err.details.report) setReport(err.details.report as ImportReport);
      setError(err);
    } finally {
      setPending(null);
    }
  };

  const template = () => downloadText(`${kind}-template.csv`, toCsv(IMPORT_TEMPLATES[kind].header, IMPORT_TEMPLATES[kind].sample));
  const canApply = report !== null && report.dryRun && report.invalid === 0 && report.total > 0;

  return (
    <Drawer title={t(kind === 'windows' ? 'import.titleWindows' : 'import.titleAccounts')} onClose={onClose} width={760} testId="csv-import">
      <p className="muted">{t('import.help')}</p>
      <div className="import-pick">
        <input
          type="file"
          accept=".csv,text/csv"
          data-testid="import-file"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setReport(null);
            setError(null);
          }}
        />
        <button className="btn" onClick={template} type="button">
          {t('import.template')}
        </button>
        <button className="btn btn-primary" disabled={!file || pending !== null} onClick={() => void run(true)} data-testid="import-preview">
          {pending === 'preview' ? t('common.loading') : t('import.preview')}
        </button>
      </div>
      {error !== null && <ErrorView error={error} />}
      {report && (
        <div className="import-report" data-testid="import-report">
          <div className="import-summary">
            <span>{t('import.total', { n: formatInt(report.total) })}</span>
            <Badge tone="ok">{t('import.valid', { n: formatInt(report.valid) })}</Badge>
            <Badge tone={report.invalid ? 'bad' : 'muted'}>{t('import.invalid', { n: formatInt(report.invalid) })}</Badge>
            <span className="muted">{t('import.encoding', { encoding: report.encoding })}</span>
          </div>
          {report.invalid > 0 && (
            <div className="import-blocked" data-testid="import-blocked">
              {t('import.blocked')}
            </div>
          )}
          <DataTable
            testId="import-rows"
            rows={report.rows}
            rowKey={(r) => String(r.line)}
            rowClassName={(r) => (r.errors.length ? 'row-bad' : undefined)}
            columns={[
              { key: 'line', header: t('import.line'), render: (r) => r.line, width: 60, align: 'right' },
              { key: 'key', header: t('import.key'), render: (r) => <code>{r.key}</code>, width: 180 },
              {
                key: 'action',
                header: t('import.action'),
                width: 90,
                render: (r) =>
                  r.errors.length ? (
                    <Badge tone="bad">{t('import.actionError')}</Badge>
                  ) : (
                    <Badge tone={r.action === 'create' ? 'ok' : 'info'}>{t(r.action === 'create' ? 'import.actionCreate' : 'import.actionUpdate')}</Badge>
                  ),
              },
              {
                key: 'errors',
                header: t('import.errors'),
                className: 'wrap',
                render: (r) =>
                  r.errors.length ? (
                    <ul className="row-errors">
                      {r.errors.map((e, i) => (
                        <li key={i}>{e}</li>
                      ))}
                    </ul>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
          <div className="form-actions">
            <button className="btn" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button className="btn btn-primary" disabled={!canApply || pending !== null} onClick={() => void run(false)} data-testid="import-apply">
              {pending === 'apply' ? t('common.saving') : t('import.apply', { n: formatInt(report.valid) })}
            </button>
          </div>
        </div>
      )}
    </Drawer>
  );
}
