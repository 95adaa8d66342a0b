import type { z } from 'zod';
import type { sessionOut } from '@yunzhuo/protocol/api/resources';
import { iso } from '../http/refs.js';
import type { DesktopSession } from './session.model.js';
import { parseRecordingProblem } from './recording-directory.js';

export function presentSession(s: DesktopSession): z.output<typeof sessionOut> {
  return {
    id: s.id,
    accountId: s.accountId,
    poolId: s.poolId,
    desktopId: s.desktopId,
    terminalId: s.terminalId,
    windowId: s.windowId,
    siteId: s.siteId,
    departmentId: s.departmentId,
    gatewayId: s.gatewayId,
    state: s.state,
    endReason: s.endReason,
    requestedAt: iso(s.requestedAt)!,
    connectingAt: iso(s.connectingAt),
    activeAt: iso(s.activeAt),
    disconnectedAt: iso(s.disconnectedAt),
    endedAt: iso(s.endedAt),
    lastActivityAt: iso(s.lastActivityAt),
    hasRecording: s.recordingPath !== null && !s.recordingError,
    recordingProblem: parseRecordingProblem(s.recordingError),
  };
}
