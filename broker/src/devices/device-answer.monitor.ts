import {
  CLASS_OF_OP,
  DeviceFrameDecoder,
  DeviceFrameError,
  deviceErrorSchema,
  deviceResponseSchema,
  isPrintOp,
  type DeviceClass,
  type DeviceFrame,
} from '@yunzhuo/protocol/devices/index';
import type { DeviceUseSink } from './device-use.js';
import { maskIdNumber } from './personal-data.js';

/**
 * Watches what the window page writes into the YZDEV channel (answers to the desktop's device
 * requests) as it passes through the relay: every answer is reported for the audit, and an
 * answer carrying data of a device class the pool does not enable is refused, whatever the
 * page believes (a print answer without the pool's window printer too). Only metadata leaves this object; the bytes themselves go on to guacd untouched.
 */
export class DeviceAnswerMonitor {
  #decoder = new DeviceFrameDecoder();
  readonly #allowed: ReadonlySet<DeviceClass>;

  constructor(
    allowed: readonly DeviceClass[],
    private readonly sink: DeviceUseSink,
    /** the pool's window printer: print answers (the channel path) pass; the page reports each print itself */
    private readonly printing = false,
  ) {
    this.#allowed = new Set(allowed);
  }

  /** The page opened the channel anew: frames start again at its first byte. */
  restart(): void {
    this.#decoder = new DeviceFrameDecoder();
  }

  /** One blob's data (base64, as in the `blob` instruction). Returns why it must not pass, or null. */
  feed(base64: string): string | null {
    let frames: DeviceFrame[];
    try {
      frames = this.#decoder.push(Buffer.from(base64, 'base64'));
    } catch (error) {
      if (error instanceof DeviceFrameError) return `device channel: ${error.code}`;
      throw error;
    }
    for (const frame of frames) {
      const refusal = this.#inspect(frame);
      if (refusal) return refusal;
    }
    return null;
  }

  #inspect(frame: DeviceFrame): string | null {
    if (frame.kind === 'response') {
      const parsed = deviceResponseSchema.safeParse(frame.body);
      if (!parsed.success) return 'device channel: a response that is not a device response';
      const answer = parsed.data;
      if (isPrintOp(answer.op)) return this.printing ? null : 'device channel: the window printer is not enabled for the pool';
      const deviceClass = CLASS_OF_OP[answer.op];
      if (deviceClass !== null && !this.#allowed.has(deviceClass)) return `device channel: ${deviceClass} is not enabled for the pool`;
      if (deviceClass === null) return null; // a device list uses no device
      this.sink({
        requestId: frame.requestId,
        op: answer.op,
        deviceClass,
        outcome: 'ok',
        bytes: byteLength(frame.body),
        subject: answer.op === 'idcard.read' ? maskIdNumber(answer.card.idNumber) : null,
      });
    } else if (frame.kind === 'error') {
      const parsed = deviceErrorSchema.safeParse(frame.body);
      if (!parsed.success) return 'device channel: an error that is not a device error';
      const op = parsed.data.op ?? null;
      this.sink({
        requestId: frame.requestId,
        op,
        deviceClass: op ? CLASS_OF_OP[op] : null,
        outcome: parsed.data.code,
        bytes: byteLength(frame.body),
        subject: null,
      });
    }
    // hello and progress carry no personal data and use no device
    return null;
  }
}

function byteLength(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body));
}
