import type { WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import type { BridgePrint, BridgePrintResult, PrintReport } from '@yunzhuo/protocol/paper/print-job';
import { PRINT_ERROR_CODES } from '@yunzhuo/protocol/paper/limits';

/** What the clerk sees after a desktop printed (a short toast). */
export type PrintNotice =
  | { kind: 'printed' }
  | { kind: 'failed'; reason: string }
  /** the window has no printer configured in the console */
  | { kind: 'no-printer' }
  /** the terminal's agent serves no devices (no bridge address in the page's URL) */
  | { kind: 'no-bridge' };

/** The part of a browser WebSocket used here (the `ws` package's has it too, for tests). */
export interface BridgeSocket {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface WindowPrintingOptions {
  /** the agent's device bridge (null: the agent serves no devices) */
  bridgeUrl: string | null;
  /** the window's printer from the terminal context (null: none configured) */
  printer: WindowPrinter | null;
  sessionId: string;
  openSocket(url: string): BridgeSocket;
  /** POST /api/v1/terminal/print-jobs (the audit) */
  report(body: PrintReport): Promise<unknown>;
  notify(notice: PrintNotice): void;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

let jobs = 0;

/** The agent's `print.result`, checked field by field (the page carries no zod). */
function printResultOf(text: string): BridgePrintResult | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  const counts = (r.pages === null || typeof r.pages === 'number') && typeof r.bytes === 'number';
  if (r.type !== 'print.result' || typeof r.id !== 'string' || !counts) return null;
  const pages = r.pages as number | null;
  const via = r.via === 'channel' || r.via === 'native' ? { via: r.via as PrintReport['via'] } : {};
  if (r.ok === true && typeof r.jobId === 'string')
    return { type: 'print.result', id: r.id, ok: true, jobId: r.jobId, pages, bytes: r.bytes as number, ...via };
  if (r.ok === false && typeof r.code === 'string' && typeof r.reason === 'string') {
    const code = PRINT_ERROR_CODES.find((known) => known === r.code) ?? 'PRINTER_FAILED';
    return { type: 'print.result', id: r.id, ok: false, code, reason: r.reason.slice(0, 300), pages, bytes: r.bytes as number, ...via };
  }
  return null;
}

/**
 * A desktop's print job, from either path, on the window's printer: the PDF goes to the agent
 * (one bridge socket per job), the clerk sees 已送到窗口打印机 or 打印失败：<reason>, and the broker
 * is told who printed what size where (never the content). Never a download dialog.
 */
export class WindowPrinting {
  constructor(private readonly opts: WindowPrintingOptions) {}

  async print(pdf: Uint8Array, title: string, via: PrintReport['via']): Promise<PrintNotice> {
    const { printer } = this.opts;
    let result: BridgePrintResult | null = null;
    let notice: PrintNotice;
    if (!printer) notice = { kind: 'no-printer' };
    else if (!this.opts.bridgeUrl) notice = { kind: 'no-bridge' };
    else {
      result = await this.#send(this.opts.bridgeUrl, { type: 'print', id: `p${++jobs}`, printer, title: title.slice(0, 200), pdf: toBase64(pdf) });
      notice = result.ok ? { kind: 'printed' } : { kind: 'failed', reason: result.reason };
    }
    return this.#conclude(notice, result, pdf.length, via);
  }

  /**
   * The agent's `print.result` for a job yunzhuo-desk sent over the channel (the agent printed it
   * unasked, with the printer the page gave it): the same toast and report as a native job.
   */
  async channelPrinted(text: string): Promise<PrintNotice | null> {
    const result = printResultOf(text);
    if (!result || result.via !== 'channel') return null;
    const notice: PrintNotice = result.ok
      ? { kind: 'printed' }
      : result.code === 'PRINTER_NOT_CONFIGURED' && !this.opts.printer
        ? { kind: 'no-printer' }
        : { kind: 'failed', reason: result.reason };
    return this.#conclude(notice, result, result.bytes, 'channel');
  }

  async #conclude(notice: PrintNotice, result: BridgePrintResult | null, bytes: number, via: PrintReport['via']): Promise<PrintNotice> {
    this.opts.notify(notice);
    const failure =
      result && !result.ok
        ? { code: result.code, reason: result.reason }
        : notice.kind === 'printed'
          ? {}
          : { code: 'PRINTER_NOT_CONFIGURED' as const, reason: notice.kind };
    await this.opts
      .report({
        sessionId: this.opts.sessionId,
        via,
        outcome: notice.kind === 'printed' ? 'printed' : 'failed',
        queue: this.opts.printer?.name ?? null,
        pages: result?.pages ?? null,
        bytes,
        ...failure,
      })
      .catch(() => undefined); // the print happened (or not) either way; the toast already told the clerk
    return notice;
  }

  #send(url: string, message: BridgePrint): Promise<BridgePrintResult> {
    return new Promise((resolve) => {
      const socket = this.opts.openSocket(url);
      let settled = false;
      const settle = (result: BridgePrintResult) => {
        if (settled) return;
        settled = true;
        socket.close();
        resolve(result);
      };
      const lost = () => settle({ type: 'print.result', id: message.id, ok: false, code: 'PRINTER_FAILED', reason: '窗口终端未响应', pages: null, bytes: 0 });
      socket.onopen = () => socket.send(JSON.stringify(message));
      socket.onmessage = (event) => {
        const answer = typeof event.data === 'string' ? printResultOf(event.data) : null;
        if (answer?.id === message.id) settle(answer);
      };
      socket.onerror = lost;
      socket.onclose = lost;
    });
  }
}

/** The part of a Guacamole input stream used here. */
export interface PrintInputStream {
  onblob: ((data: string) => void) | null;
  onend: (() => void) | null;
  sendAck(message: string, code: number): void;
}

/** The part of Guacamole.Client used here. */
export interface FileStreamSource<S extends PrintInputStream = PrintInputStream> {
  onfile: ((stream: S, mimetype: string, filename: string) => void) | null;
}

/** Guacamole status codes (Guacamole.Status.Code) used in acks. */
const ACK_OK = 0x0000;
const ACK_FORBIDDEN = 0x0303;
const ACK_TOO_LARGE = 0x0201;

/**
 * The native path: guacd's RDP printer sends each print job as an `application/pdf` file
 * stream. Read it (acking every blob, as guacd waits for that) and print it on the window's
 * printer. Any other file from the desktop is refused: downloads are not offered here.
 */
export function watchPrintJobs<S extends PrintInputStream>(client: FileStreamSource<S>, printing: WindowPrinting, maxBytes: number): void {
  client.onfile = (stream, mimetype, filename) => {
    if (mimetype !== 'application/pdf') {
      stream.sendAck('file download is not allowed at the window', ACK_FORBIDDEN);
      return;
    }
    const parts: Uint8Array[] = [];
    let bytes = 0;
    stream.onblob = (data) => {
      const binary = atob(data);
      bytes += binary.length;
      if (bytes > maxBytes) {
        stream.onblob = null;
        stream.onend = null;
        stream.sendAck('print job too large', ACK_TOO_LARGE);
        return;
      }
      const part = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) part[i] = binary.charCodeAt(i);
      parts.push(part);
      stream.sendAck('OK', ACK_OK);
    };
    stream.onend = () => {
      const pdf = new Uint8Array(bytes);
      let at = 0;
      for (const part of parts) {
        pdf.set(part, at);
        at += part.length;
      }
      void printing.print(pdf, filename.replace(/\.pdf$/i, '') || 'print', 'native');
    };
  };
}
