import type { DeviceClass, DeviceErrorCode, DeviceHealthReport, DeviceRequest, DeviceResponse } from '@yunzhuo/protocol/devices/index';

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type DeviceHealth = { state: 'present' | 'absent' | 'error'; model?: string };

/** One device class on the counter. A driver throws DeviceError with a stable code; anything else is DEVICE_FAILED. */
export interface DeviceDriver {
  readonly deviceClass: DeviceClass;
  handle(request: DeviceRequest): Promise<DeviceResponse>;
  health(): Promise<DeviceHealth>;
  /**
   * A live picture for the window page only (the document camera): `onFrame` gets each JPEG
   * until the returned function stops it. Never carried into the desktop.
   */
  preview?(onFrame: (jpeg: Buffer) => void): () => void;
}

export function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Each driver's health, an unexpected failure counting as `error`. */
export function healthOf(drivers: Iterable<DeviceDriver>): Promise<DeviceHealthReport[]> {
  return Promise.all(
    [...drivers].map(async (driver) => {
      const health = await driver.health().catch((): DeviceHealth => ({ state: 'error' }));
      return { class: driver.deviceClass, ...health };
    }),
  );
}
