import type { AuditService } from '../audit/audit.service.js';
import { auditOnSession } from '../sessions/session-audit.js';
import type { FileTransfer } from './file-transfer.monitor.js';

/**
 * One audit row per file on the window drive: who (the session's account), which window and
 * terminal, the file's name, type, size and SHA-256 — `paper.file-sent`, or `paper.file-refused`
 * with the policy's rule (a download with downloads off, a type or size the pool does not allow).
 */
export async function auditFileTransfer(audit: AuditService, sessionId: string, transfer: FileTransfer): Promise<void> {
  await auditOnSession(audit, sessionId, transfer.outcome === 'sent' ? 'paper.file-sent' : 'paper.file-refused', {
    direction: transfer.direction,
    name: transfer.name,
    mimetype: transfer.mimetype,
    bytes: transfer.bytes,
    sha256: transfer.sha256,
    ...(transfer.reason ? { reason: transfer.reason } : {}),
  });
}
