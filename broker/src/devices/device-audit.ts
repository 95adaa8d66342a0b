import type { AuditService } from '../audit/audit.service.js';
import { DesktopSession } from '../sessions/session.model.js';
import type { DeviceUse } from './device-use.js';

/**
 * One audit row per device answer: who (the session's account), at which window and
 * terminal, which device, when (the row's time), how many bytes and the outcome. The ID
 * number arrives masked; the card's other fields and every image never reach this file.
 */
export async function auditDeviceUse(audit: AuditService, sessionId: string, use: DeviceUse): Promise<void> {
  const session = await DesktopSession.findByPk(sessionId);
  await audit.record(null, {
    action: use.outcome === 'ok' ? 'device.used' : 'device.refused',
    targetType: 'session',
    targetId: sessionId,
    siteId: session?.siteId ?? null,
    details: {
      accountId: session?.accountId ?? null,
      windowId: session?.windowId ?? null,
      terminalId: session?.terminalId ?? null,
      device: use.deviceClass,
      op: use.op,
      outcome: use.outcome,
      bytes: use.bytes,
      subject: use.subject,
      requestId: use.requestId,
    },
  });
}
