import type { ErrorCode } from '@yunzhuo/protocol/errors';
import { DesktopSession } from '../../sessions/session.model.js';
import type { TunnelBroker, TunnelCloseReason, TunnelTarget } from '../../tunnel/tunnel-target.js';

/**
 * The engine as this process's relay sees it, plus one thing: a session whose tunnel connects
 * here is stamped with this broker's instance id, so if the process dies the reconciler knows
 * which sessions lost their tunnel with it.
 */
export function stampingTunnelBroker(engine: TunnelBroker, instanceId: string): TunnelBroker {
  return {
    redeemToken: (token: string): Promise<TunnelTarget> => engine.redeemToken(token),
    async markConnecting(sessionId: string, gatewayId: string): Promise<void> {
      await DesktopSession.update({ brokerInstance: instanceId }, { where: { id: sessionId }, silent: true });
      await engine.markConnecting(sessionId, gatewayId);
    },
    markActive: (sessionId: string, guacConnectionId: string) => engine.markActive(sessionId, guacConnectionId),
    markClosed: (sessionId: string, reason: TunnelCloseReason) => engine.markClosed(sessionId, reason, instanceId),
    reportGatewayFailure: (gatewayId: string, code: ErrorCode, detail: string) => engine.reportGatewayFailure(gatewayId, code, detail),
    ...(engine.touch ? { touch: engine.touch.bind(engine) } : {}),
    ...(engine.recordDeviceUse ? { recordDeviceUse: engine.recordDeviceUse.bind(engine) } : {}),
    ...(engine.recordFileTransfer ? { recordFileTransfer: engine.recordFileTransfer.bind(engine) } : {}),
  };
}
