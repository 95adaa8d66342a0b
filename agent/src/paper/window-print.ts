import type { WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import type { BridgePrint, BridgePrintResult } from '@yunzhuo/protocol/paper/print-job';
import { pdfPageCount } from '@yunzhuo/protocol/paper/print-job';
import { PrintError, type PrintJob, type PrintedJob } from './cups-printer.js';

/** What prints on the window's printer (CupsPrinter; a fake in page tests). */
export interface WindowPrinterPort {
  print(job: PrintJob): Promise<PrintedJob>;
}

/**
 * One print asked by the window page (a desktop's job, from either path): the PDF on the window's
 * printer, and the result the page shows (已送到窗口打印机 / 打印失败：<reason>) and reports for the audit.
 */
export async function printForPage(printer: WindowPrinterPort, message: BridgePrint): Promise<BridgePrintResult> {
  return printPdf(printer, { id: message.id, printer: message.printer, title: message.title, pdf: Buffer.from(message.pdf, 'base64') });
}

/** The same for a PDF already in hand (the channel path assembles it from its parts). */
export async function printPdf(port: WindowPrinterPort, job: PrintJob & { id: string }): Promise<BridgePrintResult> {
  const { id, pdf } = job;
  try {
    const done = await port.print({ printer: job.printer, title: job.title, pdf });
    return { type: 'print.result', id, ok: true, jobId: done.jobId, pages: done.pages, bytes: done.bytes };
  } catch (error) {
    const known = error instanceof PrintError ? error : new PrintError('PRINTER_FAILED', '打印服务出错');
    return { type: 'print.result', id, ok: false, code: known.code, reason: known.reason, pages: pdfPageCount(pdf), bytes: pdf.length };
  }
}

export type { WindowPrinter };
