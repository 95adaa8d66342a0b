import express, { type Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../http/async-router.js';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { AppError } from '../lib/app-error.js';
import type { ImportService } from './import.service.js';

const importQuery = z.object({ dryRun: z.enum(['true', 'false']).default('true') }).strict();

/** `POST /imports/<kind>`: the CSV file is the body; `dryRun=true` (the default) previews. */
export function mountImports(router: Router, deps: { imports: ImportService; docs: OpenApiDocs }): void {
  const raw = express.raw({ type: () => true, limit: '10mb' });
  for (const kind of ['windows', 'accounts'] as const) {
    deps.docs.route('post', `/api/v1/imports/${kind}`, {
      summary: `Import ${kind} from CSV (UTF-8, UTF-8 BOM or GB18030); dryRun=true previews`,
      tag: 'imports',
      query: importQuery,
      csvBody: true,
    });
    router.post(`/imports/${kind}`, raw, async (req, res) => {
      const actor = actorOf(req);
      const { dryRun } = parseInput(importQuery, req.query, 'query');
      if (!Buffer.isBuffer(req.body)) throw new AppError('VALIDATION_FAILED', { reason: 'send the CSV file as the request body' });
      res.json(await deps.imports.run(actor, kind, req.body, dryRun === 'true'));
    });
  }
}
