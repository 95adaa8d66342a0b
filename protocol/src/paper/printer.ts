import { z } from 'zod';

/** Paper the window's printer holds: A4 sheets or an 80 mm receipt roll (受理回执, 小票). */
export const PRINTER_PAPERS = ['A4', 'receipt80'] as const;
export const printerPaperSchema = z.enum(PRINTER_PAPERS);
export type PrinterPaper = z.infer<typeof printerPaperSchema>;

/**
 * The printer on a window's counter, plugged into its terminal: the CUPS queue the agent prints
 * to (`lp -d <name>`), the paper it holds, copies per job and two-sided printing.
 */
export const windowPrinterSchema = z
  .object({
    /** the CUPS queue name on the terminal: letters, digits, `-`, `_`, `.` (CUPS refuses others) */
    name: z
      .string()
      .min(1)
      .max(127)
      .regex(/^[A-Za-z0-9_.-]+$/, 'a CUPS queue name: letters, digits, - _ .'),
    paper: printerPaperSchema.default('A4'),
    copies: z.number().int().min(1).max(9).default(1),
    duplex: z.boolean().default(false),
  })
  .strict()
  .refine((printer) => !(printer.duplex && printer.paper === 'receipt80'), { message: 'a receipt roll has one side', path: ['duplex'] });
export type WindowPrinter = z.infer<typeof windowPrinterSchema>;

/** CUPS `media` for each paper: A4 is in every PPD; a receipt roll as a custom 80 mm size. */
export const CUPS_MEDIA: Record<PrinterPaper, string> = { A4: 'A4', receipt80: 'Custom.80x297mm' };
