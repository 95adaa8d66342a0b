import type { ImportKind, ImportReport } from '@yunzhuo/protocol/api/imports';
import { apiRequest } from './client';

export type { ImportKind, ImportReport, ImportRowResult as ImportRow } from '@yunzhuo/protocol/api/imports';

/** Upload the file as-is (UTF-8, UTF-8 BOM or GB18030: the broker decodes). */
export const importsApi = {
  run: (kind: ImportKind, file: Blob, dryRun: boolean) =>
    apiRequest<ImportReport>('POST', `/imports/${kind}`, { query: { dryRun: String(dryRun) }, raw: file, contentType: 'text/csv' }),
};
