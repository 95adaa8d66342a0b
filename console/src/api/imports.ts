import { apiRequest } from './client';

/** Mirrors broker/src/imports/import-types.ts. */
export interface ImportRow {
  line: number;
  action: 'create' | 'update' | null;
  key: string;
  errors: string[];
}
export interface ImportReport {
  kind: ImportKind;
  encoding: string;
  dryRun: boolean;
  applied: boolean;
  total: number;
  valid: number;
  invalid: number;
  rows: ImportRow[];
}
export type ImportKind = 'windows' | 'accounts';

/** Upload the file as-is (UTF-8, UTF-8 BOM or GB18030: the broker decodes). */
export const importsApi = {
  run: (kind: ImportKind, file: Blob, dryRun: boolean) =>
    apiRequest<ImportReport>('POST', `/imports/${kind}`, { query: { dryRun: String(dryRun) }, raw: file, contentType: 'text/csv' }),
};
