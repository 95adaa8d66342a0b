import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything } from '../auth/policy.js';
import type { AuditEntry, AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { LiveEvents } from '../lib/live-events.js';
import { Site } from '../sites/site.model.js';
import { ACCOUNT_HEADERS, planAccountRow } from './accounts-import.js';
import { decodeSpreadsheetText, parseCsv, type CsvRow } from './csv-decode.js';
import type { ImportReport, PlannedRow } from './import-types.js';
import { planWindowRow, WINDOW_HEADERS } from './windows-import.js';

export type ImportKind = 'windows' | 'accounts';

const MAX_ROWS = 20_000;

const KINDS: Record<ImportKind, { headers: Record<string, string>; plan: (a: Actor, r: CsvRow, seen: Set<string>) => Promise<PlannedRow> }> = {
  windows: { headers: WINDOW_HEADERS, plan: planWindowRow },
  accounts: { headers: ACCOUNT_HEADERS, plan: planAccountRow },
};

/**
 * CSV import: a dry run returns the per-row preview; otherwise all rows are applied in one
 * transaction, or none if any row is bad (IMPORT_INVALID with the preview). A row is checked with
 * the policy of the single-row API; every row changed has its own audit event (`account.update`…,
 * with before/after) in the same transaction as the rows, beside the aggregate `<kind>.import`.
 */
export class ImportService {
  constructor(private readonly deps: { audit: AuditService; events: LiveEvents }) {}

  async run(actor: Actor, kind: ImportKind, bytes: Buffer, dryRun: boolean): Promise<ImportReport> {
    assertCanWriteAnything(actor);
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', { reason: 'send the CSV file as the request body' });
    const { text, encoding } = decodeSpreadsheetText(bytes);
    const { rows } = parseCsv(text, KINDS[kind].headers);
    if (rows.length > MAX_ROWS) throw new AppError('VALIDATION_FAILED', { reason: `at most ${MAX_ROWS} rows` });
    const seen = new Set<string>();
    const planned: PlannedRow[] = [];
    for (const row of rows) planned.push(await KINDS[kind].plan(actor, row, seen));
    const invalid = planned.filter((p) => p.result.errors.length > 0).length;
    const report: ImportReport = {
      kind,
      encoding,
      dryRun,
      applied: false,
      total: rows.length,
      valid: rows.length - invalid,
      invalid,
      rows: planned.map((p) => p.result),
    };
    if (dryRun) return report;
    if (invalid > 0) throw new AppError('IMPORT_INVALID', { report });
    for (const p of planned) await p.prepare?.();
    const count = (action: 'create' | 'update') => planned.filter((p) => p.result.action === action).length;
    await writeTransaction(Site.sequelize!, async (transaction) => {
      const entries: AuditEntry[] = [];
      for (const p of planned) await p.apply?.({ transaction, audit: (entry) => void entries.push(entry) });
      entries.push({
        action: `${kind}.import`,
        targetType: kind,
        details: { total: report.total, created: count('create'), updated: count('update'), encoding },
      });
      await this.deps.audit.recordMany(actor, entries, transaction);
    });
    this.deps.events.publish('resource.changed', { resource: kind, id: '*', action: 'update', siteId: null });
    return { ...report, applied: true };
  }
}
