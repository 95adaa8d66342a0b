import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERRORS } from '@yunzhuo/protocol/errors';
import type { DeviceErrorCode, IdCard } from '@yunzhuo/protocol/devices/index';
import { CAMERA_STILL_PATH, serveCameraStill } from './camera-still.api.js';
import { DeviceRequestError, type DeskLink } from './desk-link.js';
import { isPadPath, servePad } from './pad.api.js';
import { PRINT_PATH, servePrint } from './print.api.js';

/**
 * The local HTTP API of ZKTeco's ID card reader service, ZKIDROnline (docs/DEVICES.md says why
 * this family): business pages call `http://127.0.0.1:24010/ZKIDROnline/ScanReadIdCardInfo?
 * OP-DEV=1&CMD-URL=4[&REPEAT=1][&common=1][&random=…]` and read `ret` (0 = success) and
 * `Certificate`; `/ZKIDROnline/info` tells them the service is installed. Served here with
 * the same port, paths and response shape; the card comes from the window over YZDEV.
 */
export const ZK_IDR_PORT = 24010;
const BASE = '/ZKIDROnline';
/** The version the service reports on /info; pages compare it with their minimum (seen: 2.x–3.x). */
export const ZK_SERVER_VERSION = '3.5.2';

/**
 * The service's own `ret` codes (its pages map them to messages): 1 端口打开失败 (no reader),
 * 10 没有找到卡, 30 其他错误, 100 超时. Every refusal also carries our code and a Chinese
 * message (`yzCode`, `yzMessage`): added fields, which pages that do not know them ignore.
 */
const RET_OF: Partial<Record<DeviceErrorCode, number>> = {
  DEVICE_ABSENT: 1,
  CARD_NOT_PRESENT: 10,
  DEVICE_TIMEOUT: 100,
};
const OTHER_ERROR = 30;

/** A card in the service's `Certificate` shape: dates YYYYMMDD, photo a base64 JPEG. */
export function certificateOf(card: IdCard): Record<string, string> {
  return {
    Name: card.name,
    Sex: card.sex,
    Nation: card.nation,
    Birthday: card.birthDate,
    Address: card.address,
    IDNumber: card.idNumber,
    IDIssued: card.issuer,
    IssuedData: card.validFrom,
    ValidDate: card.validTo,
    Other: '',
    CardNumber: '',
    // the service names the BMP it wrote; we write none (and no backslash, which pages rewrite)
    PhotoName: '',
    Base64Photo: card.photoJpeg ?? '',
  };
}

export function refusalOf(code: DeviceErrorCode): { ret: number; yzCode: DeviceErrorCode; yzMessage: string } {
  return { ret: RET_OF[code] ?? OTHER_ERROR, yzCode: code, yzMessage: ERRORS[code].zh };
}

export class ZkIdrApi {
  readonly server: http.Server;

  constructor(private readonly link: Pick<DeskLink, 'request'>) {
    this.server = http.createServer((req, res) => void this.#handle(req, res));
  }

  /** Listens on loopback only: the card must never be served to the network. */
  listen(port = ZK_IDR_PORT, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'OPTIONS') return this.#send(res, 204, null); // CORS preflight (a page's JSON POST asks one)
    if (req.method !== 'GET' && req.method !== 'POST') return this.#send(res, 405, refusalOf('DEVICE_REQUEST_INVALID'));
    if (url.pathname === CAMERA_STILL_PATH) return serveCameraStill(this.link, url, res);
    if (isPadPath(url.pathname)) return servePad(this.link, url.pathname, req, res);
    if (url.pathname === PRINT_PATH) return servePrint(this.link, url, req, res);
    if (url.pathname === `${BASE}/info`) return this.#send(res, 200, { ret: 0, data: { server_version: ZK_SERVER_VERSION } });
    if (url.pathname !== `${BASE}/ScanReadIdCardInfo`) return this.#send(res, 404, refusalOf('DEVICE_REQUEST_INVALID'));
    try {
      const answer = await this.link.request({ op: 'idcard.read', withPhoto: true });
      if (answer.op !== 'idcard.read') return this.#send(res, 200, refusalOf('DEVICE_FAILED'));
      this.#send(res, 200, { ret: 0, Certificate: certificateOf(answer.card) });
    } catch (error) {
      // the service answers 200 with a non-zero ret: pages branch on ret, not on the status
      this.#send(res, 200, refusalOf(error instanceof DeviceRequestError ? error.code : 'DEVICE_FAILED'));
    }
  }

  #send(res: ServerResponse, status: number, body: object | null): void {
    // pages call from their own origin with XHR/fetch, as they do the vendor's service
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'cache-control': 'no-store',
    });
    res.end(body === null ? undefined : JSON.stringify(body));
  }
}
