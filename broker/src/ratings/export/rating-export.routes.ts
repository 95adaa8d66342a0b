import type { Request, Response, Router } from 'express';
import type { WhereOptions } from 'sequelize';
import { ratingExportQuery } from '@yunzhuo/protocol/api/ratings';
import type { Actor } from '../../auth/actor.js';
import { scopeWhere } from '../../auth/row-access.js';
import { actorOf } from '../../http/async-router.js';
import { equalityFilters } from '../../http/list-query.js';
import type { OpenApiDocs } from '../../http/openapi.js';
import { parseInput } from '../../http/validate.js';
import type { ExportKind, RatingExporter } from './rating-export.service.js';

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/** The scope of the actor as conditions on the exported table. */
export type ExportScope = (actor: Actor) => Promise<WhereOptions> | WhereOptions;

/** GET …/export?format=csv|xlsx&from&to[&siteId][&departmentId]: a file download, streamed. */
export function exportHandler(kind: ExportKind, exporter: RatingExporter, scope: ExportScope) {
  return async (req: Request, res: Response): Promise<void> => {
    const q = parseInput(ratingExportQuery, req.query, 'query');
    const actor = actorOf(req);
    const request = {
      kind,
      format: q.format,
      from: new Date(q.from),
      to: new Date(q.to),
      where: [await scope(actor), equalityFilters(q, ['siteId', 'departmentId'])],
    };
    await exporter.begin(actor, request);
    const name = exporter.fileName(kind, q.format, request.from, request.to);
    res.status(200);
    res.setHeader('content-type', CONTENT_TYPES[q.format]);
    res.setHeader('content-disposition', `attachment; filename="${kind}.${q.format}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    res.setHeader('cache-control', 'no-store');
    try {
      await exporter.write(request, res);
    } catch (err) {
      // the status is gone already: a cut-off download is the only honest answer
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  };
}

export function documentExport(docs: OpenApiDocs, path: string, summary: string): void {
  docs.route('get', path, { summary, tag: 'ratings', query: ratingExportQuery, fileResponse: true });
}

/** The ratings of the actor's sites (as `GET /ratings` reads them). */
export function mountRatingExport(consoleApi: Router, exporter: RatingExporter, docs: OpenApiDocs): void {
  documentExport(docs, '/api/v1/ratings/export', 'Export the ratings given in [from, to) as CSV (UTF-8 with BOM) or Excel, columns in Chinese');
  consoleApi.get(
    '/ratings/export',
    exportHandler('ratings', exporter, (actor) => scopeWhere(actor, 'siteId', false)),
  );
}
