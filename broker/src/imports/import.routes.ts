import express, { type Router } from 'express';
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything } from '../auth/policy.js';
import type { AuditEntry, AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { actorOf } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { AppError } from '../lib/app-error.js';
import type { LiveEvents } from '../lib/live-events.js';
import { Site } from '../sites/site.model.js';
import { ACCOUNT_HEADERS, planAccountRow } from './accounts-import.js';
import { decodeSpreadsheetText, parseCsv, type CsvRow } from './csv-decode.js';
import type { ImportReport, PlannedRow } from './import-types.js';
import { planWindowRow, WINDOW_HEADERS } from './windows-import.js';

const importQuery = z.object({ dryRun: z.enum(['true', 'false']).default('true') }).strict();
const MAX_ROWS = 20_000;

const KINDS: Record<'windows' | 'accounts', { headers: Record<string, string>; plan: (a: Actor, r: CsvRow, seen: Set<string>) => Promise<PlannedRow> }> = {
  windows: { headers: WINDOW_HEADERS, plan: planWindowRow },
  accounts: { headers: ACCOUNT_HEADERS, plan: planAccountRow },
};

/**
 * CSV import: `dryRun=true` (the default) returns the per-row preview; `dryRun=false` applies
 * all rows in one transaction, or none if any row is bad (422 IMPORT_INVALID with the preview).
 * A row is checked with the policy of the single-row API; every row changed has its own audit
 * event (`account.update`…, with before/after) in the same transaction as the rows.
 */
export function mountImports(router: Router, deps: { audit: AuditService; events: LiveEvents; docs: OpenApiDocs }): void {
  const raw = express.raw({ type: () => true, limit: '10mb' });
  for (const kind of ['windows', 'accounts'] as const) {
    deps.docs.route('post', `/api/v1/imports/${kind}`, { summary: `Import ${kind} from CSV (UTF-8, UTF-8 BOM or GB18030); dryRun=true previews`, tag: 'imports', query: importQuery, csvBody: true });
    router.post(`/imports/${kind}`, raw, async (req, res) => {
      const actor = actorOf(req);
      assertCanWriteAnything(actor);
      const { dryRun } = parseInput(importQuery, req.query, 'query');
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AppError('VALIDATION_FAILED', { reason: 'send the CSV file as the request body' });
      const { text, encoding } = decodeSpreadsheetText(req.body);
      const { rows } = parseCsv(text, KINDS[kind].headers);
      if (rows.length > MAX_ROWS) throw new AppError('VALIDATION_FAILED', { reason: `at most ${MAX_ROWS} rows` });
      const seen = new Set<string>();
      const planned: PlannedRow[] = [];
      for (const row of rows) planned.push(await KINDS[kind].plan(actor, row, seen));
      const invalid = planned.filter((p) => p.result.errors.length > 0).length;
      const report: ImportReport = {
        kind, encoding, dryRun: dryRun === 'true', applied: false, total: rows.length,
        valid: rows.length - invalid, invalid, rows: planned.map((p) => p.result),
      };
      if (report.dryRun) return void res.json(report);
      if (invalid > 0) throw new AppError('IMPORT_INVALID', { report });
      for (const p of planned) await p.prepare?.();
      await writeTransaction(Site.sequelize!, async (transaction) => {
        const entries: AuditEntry[] = [];
        for (const p of planned) await p.apply?.({ transaction, audit: (entry) => void entries.push(entry) });
        entries.push({ action: `${kind}.import`, targetType: kind, details: { total: report.total, created: planned.filter((p) => p.result.action === 'create').length, updated: planned.filter((p) => p.result.action === 'update').length, encoding } });
        await deps.audit.recordMany(actor, entries, transaction);
      });
      report.applied = true;
      deps.events.publish('resource.changed', { resource: kind, id: '*', action: 'update', siteId: null });
      res.json(report);
    });
  }
}
