import { z } from 'zod';
import { windowPrinterSchema } from './printer.js';

import { MAX_PRINT_PDF_BYTES, PRINT_ERROR_CODES } from './limits.js';

export { MAX_PRINT_PDF_BYTES, PRINT_ERROR_CODES };
const base64 = z
  .string()
  .max(Math.ceil(MAX_PRINT_PDF_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** How a print job reached the window: over YZDEV from yunzhuo-desk, or guacd's RDP printer (a `file` stream). */
export const PRINT_PATHS = ['channel', 'native'] as const;
export const printPathSchema = z.enum(PRINT_PATHS);

export const printErrorCodeSchema = z.enum(PRINT_ERROR_CODES);
export type PrintErrorCode = z.infer<typeof printErrorCodeSchema>;

/** Window page → agent (device bridge, text message): print this PDF on the window's printer. */
export const bridgePrintSchema = z
  .object({
    type: z.literal('print'),
    /** chosen by the page, echoed in the result */
    id: z.string().min(1).max(64),
    printer: windowPrinterSchema,
    title: z.string().max(200).default('yunzhuo'),
    pdf: base64,
  })
  .strict();
export type BridgePrint = z.infer<typeof bridgePrintSchema>;

/** Agent → window page (text message): the outcome of one print, never its content. */
export const bridgePrintResultSchema = z.discriminatedUnion('ok', [
  z
    .object({
      type: z.literal('print.result'),
      id: z.string(),
      ok: z.literal(true),
      jobId: z.string().max(200),
      pages: z.number().int().min(0).nullable(),
      bytes: z.number().int().min(0),
      /** `channel`: a job yunzhuo-desk sent over YZDEV, printed by the agent unasked (the page toasts and reports it) */
      via: printPathSchema.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('print.result'),
      id: z.string(),
      ok: z.literal(false),
      code: printErrorCodeSchema,
      reason: z.string().max(300),
      pages: z.number().int().min(0).nullable(),
      bytes: z.number().int().min(0),
      /** `channel`: a job yunzhuo-desk sent over YZDEV, printed by the agent unasked (the page toasts and reports it) */
      via: printPathSchema.optional(),
    })
    .strict(),
]);
export type BridgePrintResult = z.infer<typeof bridgePrintResultSchema>;

/** Window page → broker (terminal credential): one print, for the audit log (who, window, pages, bytes; never content). */
export const printReportBody = z
  .object({
    sessionId: z.string().min(1).max(64),
    via: printPathSchema,
    outcome: z.enum(['printed', 'failed']),
    queue: z.string().max(127).nullable(),
    pages: z.number().int().min(0).max(100_000).nullable(),
    bytes: z.number().int().min(0).max(MAX_PRINT_PDF_BYTES),
    code: printErrorCodeSchema.optional(),
    reason: z.string().max(300).optional(),
  })
  .strict();
export type PrintReport = z.infer<typeof printReportBody>;

/** Pages of a PDF, counted from its page objects; null when they sit in compressed object streams. */
export function pdfPageCount(pdf: Uint8Array): number | null {
  let text = '';
  for (let i = 0; i < pdf.length; i += 65536) text += String.fromCharCode(...pdf.subarray(i, i + 65536));
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  return pages > 0 ? pages : null;
}

/** A PDF starts with `%PDF-` (within its first KB, as readers allow). */
export function looksLikePdf(pdf: Uint8Array): boolean {
  const head = String.fromCharCode(...pdf.subarray(0, 1024));
  return head.includes('%PDF-');
}
