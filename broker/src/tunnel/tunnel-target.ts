import type { FileTransfer } from '../paper/file-transfer.monitor.js';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';
import type { ErrorCode } from '@yunzhuo/protocol/errors';
import type { DeviceUse } from '../devices/device-use.js';

/** What the relay needs to reach one desktop; built by the brokering engine from rows it holds. */
export interface TunnelTarget {
  sessionId: string;
  terminalId: string | null;
  /** in the pool's order of preference; the relay fails over to the next */
  gateways: Array<{ id: string; host: string; port: number }>;
  desktop: { id: string; host: string; port: number; username: string; password: string };
  settings: PoolSettings;
  /** guacd writes the recording here when the pool records sessions */
  recording: { path: string; name: string } | null;
  /** the session's window drive on the guacd host (a pool with `settings.drive`); absent or null: none */
  drive?: { path: string } | null;
}

export const TUNNEL_CLOSE_REASONS = [
  'browser-closed',
  'logoff',
  'taken-over',
  'ended-by-admin',
  'gateway-failed',
  'desktop-failed',
  'protocol-violation',
  'broker-shutdown',
] as const;
export type TunnelCloseReason = (typeof TUNNEL_CLOSE_REASONS)[number];

/**
 * The brokering engine as the relay sees it. The relay never touches the database itself.
 */
export interface TunnelBroker {
  /** Redeems a single-use tunnel token; throws AppError TOKEN_EXPIRED / TOKEN_USED / TOKEN_INVALID / TERMINAL_UNKNOWN. */
  redeemToken(token: string): Promise<TunnelTarget>;
  /** the relay is talking to this gateway now */
  markConnecting(sessionId: string, gatewayId: string): Promise<void>;
  /** the first `sync` arrived: the desktop is on screen */
  markActive(sessionId: string, guacConnectionId: string): Promise<void>;
  /**
   * the tunnel closed; the engine decides disconnected vs ended. `instanceId`: the broker
   * process the tunnel ran in — a session whose tunnel has since moved to another process
   * (a takeover there) is left alone.
   */
  markClosed(sessionId: string, reason: TunnelCloseReason, instanceId?: string): Promise<void>;
  reportGatewayFailure(gatewayId: string, code: ErrorCode, detail: string): Promise<void>;
  /** the clerk typed or moved the mouse since the last report (idle limits look at this) */
  touch?(sessionId: string): Promise<void>;
  /** a window device answered the desktop (or refused to): one audit row, personal data masked */
  recordDeviceUse?(sessionId: string, use: DeviceUse): Promise<void>;
  /** a file was sent to (or refused by) the window drive: one audit row with name, size and SHA-256 */
  recordFileTransfer?(sessionId: string, transfer: FileTransfer): Promise<void>;
}
