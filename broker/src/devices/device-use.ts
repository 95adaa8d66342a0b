import type { DeviceClass, DeviceErrorCode, DeviceOp } from '@yunzhuo/protocol/devices/index';

/**
 * One answer to a device request seen passing to the desktop: what the audit keeps. Never the
 * card's fields, photo or a camera image; `subject` is the masked ID number of a card read.
 */
export interface DeviceUse {
  requestId: number;
  op: DeviceOp | null;
  deviceClass: DeviceClass | null;
  outcome: 'ok' | DeviceErrorCode;
  /** payload bytes of the answer */
  bytes: number;
  subject: string | null;
}

export type DeviceUseSink = (use: DeviceUse) => void;
