import { deviceResponseSchema, type DeviceClass, type DeviceOp, type DeviceRequest, type DeviceResponse } from '@yunzhuo/protocol/devices/index';
import { DeviceError, jsonOrNull, type DeviceDriver, type DeviceHealth } from './device-driver.js';

/**
 * A pad's service on the terminal, in Yunzhuo's pad service API (docs/DEVICES.md): the shim
 * around a vendor's SDK that a county installs beside the pad serves it on loopback.
 *
 *   GET  <base>/status           200 { "model": "…" } while the pad is plugged in
 *   POST <base>/<action> (JSON)  200 the result; 404 or 503 no pad, 408 nobody answered on the
 *                                pad in time, 409 the pad is busy, anything else a failure
 */
export class PadServiceClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async call(action: string, body: object): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new DeviceError(timedOut ? 'DEVICE_TIMEOUT' : 'DEVICE_ABSENT', timedOut ? 'the pad service did not answer' : 'the pad service is not running');
    }
    const text = await res.text();
    if (res.status === 404 || res.status === 503) throw new DeviceError('DEVICE_ABSENT', `no pad (${res.status})`);
    if (res.status === 408) throw new DeviceError('DEVICE_TIMEOUT', 'nobody answered on the pad in time');
    if (res.status === 409) throw new DeviceError('DEVICE_BUSY', 'the pad is busy');
    if (!res.ok) throw new DeviceError('DEVICE_FAILED', `the pad service answered ${res.status}`);
    return jsonOrNull(text);
  }

  async health(): Promise<DeviceHealth> {
    try {
      const res = await fetch(`${this.baseUrl}/status`, { signal: AbortSignal.timeout(Math.min(this.timeoutMs, 3_000)) });
      const model = (jsonOrNull(await res.text()) as { model?: unknown } | null)?.model;
      if (res.status === 404 || res.status === 503) return { state: 'absent' };
      if (!res.ok) return { state: 'error' };
      return { state: 'present', ...(typeof model === 'string' ? { model: model.slice(0, 64) } : {}) };
    } catch {
      return { state: 'absent' };
    }
  }
}

/** What tells one pad from another: its class and op, the service's action, and the mapping both ways. */
export interface PadSpec {
  deviceClass: DeviceClass;
  op: DeviceOp;
  action: string;
  body(request: DeviceRequest): object;
  response(answer: Record<string, unknown> | null): unknown;
}

/** A pad behind the pad service API; SignaturePadDriver and RatingPadDriver say which. */
export class PadDriver implements DeviceDriver {
  readonly deviceClass: DeviceClass;
  readonly #pad: PadServiceClient;

  constructor(
    private readonly spec: PadSpec,
    baseUrl: string,
    timeoutMs: number,
  ) {
    this.deviceClass = spec.deviceClass;
    this.#pad = new PadServiceClient(baseUrl, timeoutMs);
  }

  async handle(request: DeviceRequest): Promise<DeviceResponse> {
    if (request.op !== this.spec.op) throw new DeviceError('DEVICE_REQUEST_INVALID', `${request.op} is not for the ${this.deviceClass} pad`);
    const answer = await this.#pad.call(this.spec.action, this.spec.body(request));
    const parsed = deviceResponseSchema.safeParse(
      this.spec.response(answer !== null && typeof answer === 'object' ? (answer as Record<string, unknown>) : null),
    );
    if (!parsed.success || parsed.data.op !== this.spec.op)
      throw new DeviceError('DEVICE_FAILED', `the ${this.deviceClass} pad service answered something else`);
    return parsed.data;
  }

  health(): Promise<DeviceHealth> {
    return this.#pad.health();
  }
}
