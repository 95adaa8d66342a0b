import type { PrintReport } from '@yunzhuo/protocol/paper/print-job';
import type { AuditService } from '../audit/audit.service.js';
import { AppError } from '../lib/app-error.js';
import { DesktopSession } from '../sessions/session.model.js';
import type { Terminal } from '../terminals/terminal.model.js';

/**
 * One audit row per print at a window, as the window page reports it after the agent answered:
 * who (the session's account), which window and terminal, the path, the queue, pages and bytes,
 * and the failure's code and reason. The document's content never reaches the broker.
 */
export class PrintAuditService {
  constructor(private readonly audit: AuditService) {}

  async report(terminal: Terminal, report: PrintReport): Promise<void> {
    const session = await DesktopSession.findByPk(report.sessionId);
    if (!session || session.terminalId !== terminal.id) throw new AppError('NOT_FOUND', { resource: 'session' });
    await this.audit.record(null, {
      action: report.outcome === 'printed' ? 'paper.printed' : 'paper.print-failed',
      targetType: 'session',
      targetId: session.id,
      siteId: session.siteId,
      details: {
        accountId: session.accountId,
        windowId: session.windowId,
        terminalId: terminal.id,
        via: report.via,
        queue: report.queue,
        pages: report.pages,
        bytes: report.bytes,
        ...(report.code ? { code: report.code } : {}),
        ...(report.reason ? { reason: report.reason } : {}),
      },
    });
  }
}
