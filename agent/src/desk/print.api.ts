import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PRINT_PART_BYTES, chunksOf, type PrintSubmitResponse } from '@yunzhuo/protocol/devices/index';
import { ERRORS } from '@yunzhuo/protocol/errors';
import { MAX_PRINT_PDF_BYTES } from '@yunzhuo/protocol/paper/limits';
import { looksLikePdf } from '@yunzhuo/protocol/paper/print-job';
import { sendError } from './camera-still.api.js';
import { DeviceRequestError, type DeskLink } from './desk-link.js';

/**
 * The window's printer inside the desktop: `POST /yunzhuo/v1/print?title=…` with the PDF as the
 * body → `{ ok: true, jobId, pages, bytes }` once CUPS on the terminal accepted the job, or
 * `{ error: { code, message, reason } }` (reason: what the clerk reads after 打印失败：, e.g. 缺纸).
 * The desktop's CUPS queue 窗口打印机 posts here through its backend (agent/desk-files).
 */
export const PRINT_PATH = '/yunzhuo/v1/print';

/** Sends a PDF to the window in parts and has it printed; once more from the start if the window changed on the way. */
export async function printOverChannel(link: Pick<DeskLink, 'request'>, pdf: Buffer, title: string): Promise<PrintSubmitResponse> {
  const once = async (): Promise<PrintSubmitResponse> => {
    const job = randomBytes(8).toString('hex');
    let parts = 0;
    for (const part of chunksOf(pdf, PRINT_PART_BYTES)) {
      try {
        await link.request({ op: 'print.part', job, seq: parts++, data: part.toString('base64') });
      } catch (error) {
        // a window from before the channel path of printing does not know the op
        if (error instanceof DeviceRequestError && error.code === 'DEVICE_REQUEST_INVALID' && parts === 1)
          throw new DeviceRequestError('DEVICE_PROTOCOL_UNSUPPORTED', 'the window does not print over the channel');
        throw error;
      }
    }
    const answer = await link.request({ op: 'print.submit', job, parts, bytes: pdf.length, title });
    if (answer.op !== 'print.submit') throw new DeviceRequestError('DEVICE_FAILED', 'the window sent a malformed answer');
    return answer;
  };
  const first = await once().catch((error: unknown) => {
    if (error instanceof DeviceRequestError && error.code === 'DEVICE_NOT_ATTACHED') return null;
    throw error;
  });
  // a reconnect between the parts and the submit leaves the new window without the parts (we sent
  // a PDF, so the window's PRINT_JOB_INVALID can only mean it missed some)
  if (first === null || (!first.ok && first.code === 'PRINT_JOB_INVALID')) return once();
  return first;
}

export async function servePrint(link: Pick<DeskLink, 'request'>, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return sendError(res, 'DEVICE_REQUEST_INVALID');
  const pdf = await readBody(req, MAX_PRINT_PDF_BYTES);
  if (pdf === null || pdf.length === 0 || !looksLikePdf(pdf)) return sendFailure(res, 'PRINT_JOB_INVALID', ERRORS.PRINT_JOB_INVALID.zh);
  const title = (url.searchParams.get('title') ?? 'yunzhuo').slice(0, 200);
  try {
    const answer = await printOverChannel(link, pdf, title);
    if (!answer.ok) return sendFailure(res, answer.code ?? 'PRINTER_FAILED', answer.reason ?? ERRORS.PRINTER_FAILED.zh);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify({ ok: true, jobId: answer.jobId, pages: answer.pages, bytes: answer.bytes }));
  } catch (error) {
    sendError(res, error instanceof DeviceRequestError ? error.code : 'DEVICE_FAILED');
  }
}

function sendFailure(res: ServerResponse, code: NonNullable<PrintSubmitResponse['code']>, reason: string): void {
  res.writeHead(ERRORS[code].status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify({ error: { code, message: ERRORS[code].zh, reason } }));
}

/** The body, or null when it is over `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) parts.push(chunk);
    });
    req.on('end', () => resolve(bytes > limit ? null : Buffer.concat(parts)));
    req.on('error', reject);
  });
}
