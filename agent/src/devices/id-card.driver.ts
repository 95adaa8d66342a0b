import { z } from 'zod';
import type { DeviceRequest, DeviceResponse } from '@yunzhuo/protocol/devices/index';
import { idCardSchema } from '@yunzhuo/protocol/devices/index';
import { DeviceError, jsonOrNull, type DeviceDriver, type DeviceHealth } from './device-driver.js';

/** ZKIDROnline's answer (the service the reader's vendor installs on the terminal). */
const zkAnswerSchema = z
  .object({
    ret: z.number().int(),
    Certificate: z
      .object({
        Name: z.string(),
        Sex: z.string(),
        Nation: z.string(),
        Birthday: z.string(),
        Address: z.string(),
        IDNumber: z.string(),
        IDIssued: z.string(),
        IssuedData: z.string(),
        ValidDate: z.string(),
        Base64Photo: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** the service's ret codes → ours (its pages' own table: 1/2/11 no reader, 10/100 no card) */
function errorOf(ret: number): DeviceError {
  if (ret === 1 || ret === 2 || ret === 11) return new DeviceError('DEVICE_ABSENT', `reader not found (ret ${ret})`);
  if (ret === 10 || ret === 100) return new DeviceError('CARD_NOT_PRESENT', `no card (ret ${ret})`);
  return new DeviceError('DEVICE_FAILED', `read failed (ret ${ret})`);
}

/** Dates as the service writes them (YYYYMMDD; some versions YYYY.MM.DD) → YYYYMMDD. */
const digitsOnly = (date: string): string => (date === '长期' ? date : date.replace(/\D/g, ''));

/**
 * The ID card reader through the vendor's local service on the terminal. `baseUrl` is the
 * service's (default http://127.0.0.1:24010/ZKIDROnline); a simulator in test/ stands in.
 */
export class ZkIdCardDriver implements DeviceDriver {
  readonly deviceClass = 'idcard' as const;

  constructor(
    private readonly baseUrl = 'http://127.0.0.1:24010/ZKIDROnline',
    private readonly timeoutMs = 12_000,
  ) {}

  async handle(request: DeviceRequest): Promise<DeviceResponse> {
    if (request.op !== 'idcard.read') throw new DeviceError('DEVICE_REQUEST_INVALID', `${request.op} is not for the card reader`);
    const text = await this.#get(`/ScanReadIdCardInfo?OP-DEV=1&CMD-URL=4&REPEAT=1&common=1&random=${Date.now()}`);
    // the real service writes Windows paths with bare backslashes (PhotoName); its pages do the same
    const answer = zkAnswerSchema.safeParse(jsonOrNull(text.replace(/\\/g, '/')));
    if (!answer.success) throw new DeviceError('DEVICE_FAILED', 'the reader service answered something else');
    if (answer.data.ret !== 0 || !answer.data.Certificate) throw errorOf(answer.data.ret);
    const c = answer.data.Certificate;
    const card = idCardSchema.safeParse({
      name: c.Name.trim(),
      sex: c.Sex.trim(),
      nation: c.Nation.trim(),
      birthDate: digitsOnly(c.Birthday),
      address: c.Address.trim(),
      idNumber: c.IDNumber.trim().toUpperCase(),
      issuer: c.IDIssued.trim(),
      validFrom: digitsOnly(c.IssuedData),
      validTo: digitsOnly(c.ValidDate.trim()),
      ...(request.withPhoto && c.Base64Photo ? { photoJpeg: c.Base64Photo } : {}),
    });
    if (!card.success) throw new DeviceError('DEVICE_FAILED', "the card's fields are not those of a citizen ID card");
    return { op: 'idcard.read', card: card.data };
  }

  async health(): Promise<DeviceHealth> {
    try {
      await this.#get('/info');
      return { state: 'present', model: 'ZKIDROnline' };
    } catch {
      return { state: 'absent' };
    }
  }

  async #get(path: string): Promise<string> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new DeviceError(
        timedOut ? 'DEVICE_TIMEOUT' : 'DEVICE_ABSENT',
        timedOut ? 'the reader service did not answer' : 'the reader service is not running',
      );
    }
    if (!res.ok) throw new DeviceError('DEVICE_FAILED', `the reader service answered ${res.status}`);
    return res.text();
  }
}
