import type { Request, Router } from 'express';
import { printReportBody } from '@yunzhuo/protocol/paper/print-job';
import type { OpenApiDocs } from '../http/openapi.js';
import { parseInput } from '../http/validate.js';
import { terminalCredentialOf, verifyTerminalCredential } from '../terminals/terminal-auth.js';
import type { PrintAuditService } from './print-audit.service.js';

/** Paper at the window (docs/PAPER.md): the window page reports each print (terminal credential). */
export function mountPaper(publicApi: Router, prints: PrintAuditService, docs: OpenApiDocs): void {
  const terminalOf = (req: Request) => verifyTerminalCredential(terminalCredentialOf(req));
  docs.route('post', '/api/v1/terminal/print-jobs', {
    summary: "Report one print on the window's printer, for the audit log (never its content)",
    tag: 'window',
    body: printReportBody,
    status: 204,
  });

  publicApi.post('/terminal/print-jobs', async (req, res) => {
    const terminal = await terminalOf(req);
    await prints.report(terminal, parseInput(printReportBody, req.body));
    res.status(204).end();
  });
}
