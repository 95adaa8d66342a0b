import { z } from 'zod';
import { MAX_PRINT_PDF_BYTES, PRINT_ERROR_CODES } from '../paper/limits.js';

/**
 * The channel path of printing (docs/PAPER.md): yunzhuo-desk sends a desktop's PDF to the window
 * in parts, then asks for it to be printed. Each part is one frame the desktop writes: guacd
 * reassembles at most 1 MiB of one desktop write, so a part carries 192 KiB of PDF (256 KiB as
 * base64). Added to framing version 1: a window that takes these ops says `features: ['print']`
 * in its hello; an older window answers DEVICE_REQUEST_INVALID.
 */
export const PRINT_PART_BYTES = 192 * 1024;
export const MAX_PRINT_PARTS = Math.ceil(MAX_PRINT_PDF_BYTES / PRINT_PART_BYTES);
export const PRINT_FEATURE = 'print';

const job = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a print job id');
const partData = z
  .string()
  .min(1)
  .max(Math.ceil(PRINT_PART_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** One part of a print job's PDF, `seq` from 0; sending a part again replaces it. */
export const printPartRequest = z
  .object({
    op: z.literal('print.part'),
    job,
    seq: z
      .number()
      .int()
      .min(0)
      .max(MAX_PRINT_PARTS - 1),
    data: partData,
  })
  .strict();
/** Every part was sent: print the PDF of `parts` parts, `bytes` long, on the window's printer. */
export const printSubmitRequest = z
  .object({
    op: z.literal('print.submit'),
    job,
    parts: z.number().int().min(1).max(MAX_PRINT_PARTS),
    bytes: z.number().int().min(1).max(MAX_PRINT_PDF_BYTES),
    title: z.string().max(200).default('yunzhuo'),
  })
  .strict();

export const printPartResponse = z.object({ op: z.literal('print.part'), job, received: z.number().int().min(0).max(MAX_PRINT_PDF_BYTES) }).strict();
/** The print's outcome, as the page's `print.result` (done = CUPS accepted the job); never the content. */
export const printSubmitResponse = z
  .object({
    op: z.literal('print.submit'),
    job,
    ok: z.boolean(),
    jobId: z.string().max(200).optional(),
    code: z.enum(PRINT_ERROR_CODES).optional(),
    reason: z.string().max(300).optional(),
    pages: z.number().int().min(0).nullable(),
    bytes: z.number().int().min(0),
  })
  .strict();
export type PrintSubmitResponse = z.infer<typeof printSubmitResponse>;
