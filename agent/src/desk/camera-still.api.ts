import type { IncomingMessage, ServerResponse } from 'node:http';
import { deviceRequestSchema } from '@yunzhuo/protocol/devices/index';
import { ERRORS } from '@yunzhuo/protocol/errors';
import { DeviceRequestError, type DeskLink } from './desk-link.js';

export const CAMERA_STILL_PATH = '/yunzhuo/v1/camera/still';

/**
 * The document camera's still for pages inside the desktop: `GET /yunzhuo/v1/camera/still?
 * width=1920&height=1080` → `image/jpeg`, or a JSON error `{ error: { code, message } }` in the
 * house format. Our own API (no camera vendor's yet): a page or a vendor shim calls it.
 */
export async function serveCameraStill(link: Pick<DeskLink, 'request'>, url: URL, res: ServerResponse, _req?: IncomingMessage): Promise<void> {
  const request = deviceRequestSchema.safeParse({
    op: 'camera.still',
    ...(url.searchParams.has('width') ? { width: Number(url.searchParams.get('width')) } : {}),
    ...(url.searchParams.has('height') ? { height: Number(url.searchParams.get('height')) } : {}),
  });
  if (!request.success) return sendError(res, 'DEVICE_REQUEST_INVALID');
  try {
    const answer = await link.request(request.data);
    if (answer.op !== 'camera.still') return sendError(res, 'DEVICE_FAILED');
    res.writeHead(200, { 'content-type': 'image/jpeg', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
    res.end(Buffer.from(answer.jpeg, 'base64'));
  } catch (error) {
    sendError(res, error instanceof DeviceRequestError ? error.code : 'DEVICE_FAILED');
  }
}

/** An error of our own APIs in the house format: `{ error: { code, message } }`, the status of the code. */
export function sendError(res: ServerResponse, code: DeviceRequestError['code']): void {
  res.writeHead(ERRORS[code].status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify({ error: { code, message: ERRORS[code].zh } }));
}
