import type { AuditService } from '../audit/audit.service.js';
import { DesktopSession } from './session.model.js';

/** An audit row on a session, naming who (its account) and where (its window and terminal) before `details`. */
export async function auditOnSession(audit: AuditService, sessionId: string, action: string, details: Record<string, unknown>): Promise<void> {
  const session = await DesktopSession.findByPk(sessionId);
  await audit.record(null, {
    action,
    targetType: 'session',
    targetId: sessionId,
    siteId: session?.siteId ?? null,
    details: { accountId: session?.accountId ?? null, windowId: session?.windowId ?? null, terminalId: session?.terminalId ?? null, ...details },
  });
}
