import type { DeviceFrame } from '@yunzhuo/protocol/devices/index';
import type { BridgePrintResult } from '@yunzhuo/protocol/paper/print-job';
import type { WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import type { printPartRequest, printSubmitRequest } from '@yunzhuo/protocol/devices/print-ops';
import { ERRORS } from '@yunzhuo/protocol/errors';
import { MAX_PRINT_PDF_BYTES } from '@yunzhuo/protocol/paper/limits';
import type { z } from 'zod';
import { printPdf, type WindowPrinterPort } from './window-print.js';

type PartRequest = z.infer<typeof printPartRequest>;
type SubmitRequest = z.infer<typeof printSubmitRequest>;

/** Jobs being received at once over one channel (a desktop prints one at a time; a few for safety). */
const MAX_OPEN_JOBS = 4;

export interface ChannelPrintOptions {
  /** the terminal's CUPS printing; null: the agent was started without it */
  port: WindowPrinterPort | null;
  /** the window's printer, as the page told us (null: the window has none) */
  printer: WindowPrinter | null;
  /** each outcome, for the page: its toast and its report to the broker's audit */
  onResult(result: BridgePrintResult): void;
}

/**
 * The channel path of printing on the terminal: yunzhuo-desk's PDF arrives in `print.part`
 * frames, and `print.submit` prints it exactly as the native path does (printPdf, CupsPrinter).
 * Parts live in memory only until the job is printed or the channel goes.
 */
export class ChannelPrintJobs {
  readonly #jobs = new Map<string, Map<number, Buffer>>();

  constructor(private readonly opts: ChannelPrintOptions) {}

  part(requestId: number, request: PartRequest): DeviceFrame {
    let parts = this.#jobs.get(request.job);
    if (!parts) {
      if (this.#jobs.size >= MAX_OPEN_JOBS) this.#jobs.delete(this.#jobs.keys().next().value!);
      parts = new Map();
      this.#jobs.set(request.job, parts);
    }
    parts.set(request.seq, Buffer.from(request.data, 'base64'));
    const received = [...parts.values()].reduce((sum, part) => sum + part.length, 0);
    if (received > MAX_PRINT_PDF_BYTES) {
      this.#jobs.delete(request.job);
      return refusal(requestId, 'print.part');
    }
    return { kind: 'response', requestId, body: { op: 'print.part', job: request.job, received } };
  }

  async submit(requestId: number, request: SubmitRequest): Promise<DeviceFrame> {
    const parts = this.#jobs.get(request.job);
    this.#jobs.delete(request.job);
    const pdf = Buffer.concat(Array.from({ length: request.parts }, (_, seq) => parts?.get(seq) ?? Buffer.alloc(0)));
    const id = `channel-${request.job}`;
    let result: BridgePrintResult;
    if (!parts || parts.size !== request.parts || pdf.length !== request.bytes) result = failed(id, 'PRINT_JOB_INVALID', '打印内容不完整', pdf.length);
    else if (!this.opts.port) result = failed(id, 'PRINTER_NOT_CONFIGURED', '终端未启用打印', pdf.length);
    else if (!this.opts.printer) result = failed(id, 'PRINTER_NOT_CONFIGURED', ERRORS.PRINTER_NOT_CONFIGURED.zh, pdf.length);
    else result = await printPdf(this.opts.port, { id, printer: this.opts.printer, title: request.title, pdf });
    this.opts.onResult({ ...result, via: 'channel' });
    const { type: _type, id: _id, via: _via, ...outcome } = result;
    return { kind: 'response', requestId, body: { op: 'print.submit', job: request.job, ...outcome } };
  }
}

function failed(id: string, code: 'PRINT_JOB_INVALID' | 'PRINTER_NOT_CONFIGURED', reason: string, bytes: number): BridgePrintResult {
  return { type: 'print.result', id, ok: false, code, reason, pages: null, bytes };
}

function refusal(requestId: number, op: 'print.part'): DeviceFrame {
  return { kind: 'error', requestId, body: { code: 'DEVICE_REQUEST_INVALID', message: ERRORS.DEVICE_REQUEST_INVALID.zh, op } };
}
