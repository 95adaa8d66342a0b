import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AppError } from '../lib/app-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Spreadsheet bytes to text: UTF-8 with or without BOM, else GB18030 (what Excel on Chinese
 * Windows writes for "CSV"). Bytes valid in neither are refused rather than guessed.
 */
export function decodeSpreadsheetText(bytes: Buffer): { text: string; encoding: 'utf-8' | 'utf-8-bom' | 'gb18030' } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: decodeUtf8(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    const text = iconv.decode(bytes, 'gb18030');
    if (text.includes('\ufffd')) throw new AppError('UNSUPPORTED_ENCODING');
    return { text, encoding: 'gb18030' };
  }
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError('UNSUPPORTED_ENCODING');
  }
}

export interface CsvRow {
  /** 1-based line in the file, header is line 1 */
  line: number;
  values: Record<string, string>;
}

/** Parses CSV with a header row; headers are mapped to canonical names through `aliases`. */
export function parseCsv(text: string, aliases: Record<string, string>): { rows: CsvRow[]; unknownHeaders: string[] } {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', { reason: 'not a CSV file', detail: (err as Error).message.slice(0, 200) });
  }
  const [header, ...body] = records;
  if (!header) throw new AppError('VALIDATION_FAILED', { reason: 'the file is empty' });
  const names = header.map((h) => aliases[h.trim().toLowerCase()] ?? aliases[h.trim()] ?? null);
  const unknownHeaders = header.filter((_h, i) => names[i] === null);
  const rows = body.map((cells, i) => {
    const values: Record<string, string> = {};
    names.forEach((name, col) => {
      if (name && cells[col] !== undefined && cells[col] !== '') values[name] = cells[col]!;
    });
    return { line: i + 2, values };
  });
  return { rows, unknownHeaders };
}
