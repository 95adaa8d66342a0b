import type { IncomingMessage, ServerResponse } from 'node:http';
import { deviceRequestSchema } from '@yunzhuo/protocol/devices/index';
import { sendError } from './camera-still.api.js';
import { DeviceRequestError, type DeskLink } from './desk-link.js';

/**
 * Yunzhuo's own API for the pads on the counter (docs/DEVICES.md says why no vendor's):
 *
 *   POST /yunzhuo/v1/signature/capture {"prompt"?}              → { mime, width, height, image (PNG base64), strokes }
 *   POST /yunzhuo/v1/rating/invite {"caseNumber"?, "itemCode"?}  → { level (5 非常满意 … 1 非常不满意), label }
 *
 * Errors as `{ error: { code, message } }` with the code's HTTP status, as the camera still.
 */
export const PAD_PATHS = {
  '/yunzhuo/v1/signature/capture': 'signature.capture',
  '/yunzhuo/v1/rating/invite': 'rating.invite',
} as const;

const LEVEL_LABELS: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
const MAX_BODY_BYTES = 4 * 1024;

export function isPadPath(pathname: string): pathname is keyof typeof PAD_PATHS {
  return Object.hasOwn(PAD_PATHS, pathname);
}

export async function servePad(link: Pick<DeskLink, 'request'>, pathname: keyof typeof PAD_PATHS, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 'DEVICE_REQUEST_INVALID');
  const body = await readJson(req);
  const request = deviceRequestSchema.safeParse(body !== null && typeof body === 'object' ? { ...body, op: PAD_PATHS[pathname] } : null);
  if (!request.success) return sendError(res, 'DEVICE_REQUEST_INVALID');
  try {
    const answer = await link.request(request.data);
    if (answer.op === 'signature.capture') {
      const { op: _op, ...signature } = answer;
      return sendJson(res, signature);
    }
    if (answer.op === 'rating.invite') return sendJson(res, { level: answer.level, label: LEVEL_LABELS[answer.level] });
    sendError(res, 'DEVICE_FAILED');
  } catch (error) {
    sendError(res, error instanceof DeviceRequestError ? error.code : 'DEVICE_FAILED');
  }
}

/** The request's JSON object (an empty body is `{}`); null when it is not JSON or too large. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, body: object): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
