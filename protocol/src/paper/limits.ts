// Paper limits and codes without zod: the window page imports them.

/** The largest PDF the window prints (a many-page 受理回执 with a scanned seal is a few hundred KB). */
export const MAX_PRINT_PDF_BYTES = 4 * 1024 * 1024;

/** The stable codes of a failed print (each has its zh/en message in ERRORS). */
export const PRINT_ERROR_CODES = ['PRINTER_NOT_CONFIGURED', 'PRINTER_ABSENT', 'PRINTER_FAILED', 'PRINT_JOB_INVALID'] as const;
