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
  const pdf = Buffer.from(message.pdf, 'base64');
  try {
    const job = await printer.print({ printer: message.printer, title: message.title, pdf });
    return { type: 'print.result', id: message.id, ok: true, jobId: job.jobId, pages: job.pages, bytes: job.bytes };
  } catch (error) {
    const known = error instanceof PrintError ? error : new PrintError('PRINTER_FAILED', '打印服务出错');
    return { type: 'print.result', id: message.id, ok: false, code: known.code, reason: known.reason, pages: pdfPageCount(pdf), bytes: pdf.length };
  }
}
