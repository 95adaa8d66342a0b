import { CLASS_OF_OP, PRINT_FEATURE, deviceRequestSchema, helloFor, type DeviceClass, type DeviceFrame, type DeviceOp } from '@yunzhuo/protocol/devices/index';
import { ERRORS } from '@yunzhuo/protocol/errors';
import type { ChannelPrintJobs } from '../paper/channel-print.js';
import { DeviceError, healthOf, type DeviceDriver } from './device-driver.js';

/**
 * What the window answers to each frame the desktop sends: its hello (with the classes the
 * session may use), a device's answer, or an error naming the op (so that the broker's audit
 * knows the device even when nothing was read).
 */
export class DeviceRequests {
  readonly #drivers: ReadonlyMap<DeviceClass, DeviceDriver>;

  constructor(
    drivers: readonly DeviceDriver[],
    private readonly classes: readonly DeviceClass[],
    /** the window's printer for the desktop (the pool's `printing`); null: print ops are refused */
    private readonly paper: ChannelPrintJobs | null = null,
  ) {
    this.#drivers = new Map(drivers.map((driver) => [driver.deviceClass, driver]));
  }

  /** null: nothing to answer (progress, a stray response) */
  async answer(frame: DeviceFrame): Promise<DeviceFrame | null> {
    if (frame.kind === 'hello')
      return {
        kind: 'hello',
        requestId: 0,
        body: helloFor('window', { classes: [...this.classes], software: 'yunzhuo-agent', acks: true, features: [PRINT_FEATURE] }),
      };
    if (frame.kind !== 'request') return null;
    const parsed = deviceRequestSchema.safeParse(frame.body);
    if (!parsed.success) return errorFrame(frame.requestId, 'DEVICE_REQUEST_INVALID', undefined);
    const request = parsed.data;
    if (request.op === 'devices.list') return { kind: 'response', requestId: frame.requestId, body: await this.#list() };
    if (request.op === 'print.part' || request.op === 'print.submit') {
      if (!this.paper) return errorFrame(frame.requestId, 'DEVICE_CLASS_DISABLED', request.op);
      return request.op === 'print.part' ? this.paper.part(frame.requestId, request) : this.paper.submit(frame.requestId, request);
    }
    const deviceClass = CLASS_OF_OP[request.op]!;
    if (!this.classes.includes(deviceClass)) return errorFrame(frame.requestId, 'DEVICE_CLASS_DISABLED', request.op);
    const driver = this.#drivers.get(deviceClass);
    if (!driver) return errorFrame(frame.requestId, 'DEVICE_ABSENT', request.op);
    try {
      return { kind: 'response', requestId: frame.requestId, body: await driver.handle(request) };
    } catch (error) {
      return errorFrame(frame.requestId, error instanceof DeviceError ? error.code : 'DEVICE_FAILED', request.op);
    }
  }

  /** The at-once answer to a request (our hello promises it): the desktop knows the channel is alive. */
  acknowledge(frame: DeviceFrame): DeviceFrame | null {
    if (frame.kind !== 'request') return null;
    const op = (frame.body as { op?: unknown } | null)?.op;
    const stage =
      op === 'camera.still'
        ? 'capturing'
        : op === 'signature.capture' || op === 'rating.invite'
          ? 'waiting-for-citizen'
          : op === 'print.part' || op === 'print.submit'
            ? 'printing'
            : 'reading';
    return { kind: 'progress', requestId: frame.requestId, body: { stage } };
  }

  async #list(): Promise<DeviceFrame['body']> {
    return { op: 'devices.list', devices: await healthOf(this.#drivers.values()) };
  }
}

function errorFrame(requestId: number, code: DeviceError['code'], op: DeviceOp | undefined): DeviceFrame {
  return { kind: 'error', requestId, body: { code, message: ERRORS[code].zh, ...(op ? { op } : {}) } };
}
