import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';

/** Where export rows go, a batch at a time; `end` finishes the file. */
export interface ExportSink {
  header(headers: string[], widths: number[]): Promise<void>;
  rows(rows: string[][]): Promise<void>;
  end(): Promise<void>;
}

// a cell Excel would read as a formula (CSV injection): a citizen's comment may start with '='
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** RFC 4180 CSV in UTF-8 with a BOM (without it Excel reads Chinese as GBK), CRLF lines; waits on `drain`. */
export class CsvSink implements ExportSink {
  constructor(private readonly out: Writable) {}

  async #write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
  header(headers: string[]): Promise<void> {
    return this.#write(`\uFEFF${headers.map(csvCell).join(',')}\r\n`);
  }
  rows(rows: string[][]): Promise<void> {
    return rows.length ? this.#write(rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join('')) : Promise.resolve();
  }
  async end(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** One .xlsx sheet written by exceljs' streaming writer: each row is committed (and leaves memory) as it is added. */
export class XlsxSink implements ExportSink {
  readonly #book: ExcelJS.stream.xlsx.WorkbookWriter;
  readonly #sheet: ExcelJS.Worksheet;

  constructor(
    private readonly out: Writable,
    sheetName: string,
  ) {
    this.#book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
    this.#sheet = this.#book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  }
  async header(headers: string[], widths: number[]): Promise<void> {
    this.#sheet.columns = headers.map((header, i) => ({ header, width: widths[i] ?? 12 }));
    const row = this.#sheet.getRow(1);
    row.font = { bold: true };
    row.commit();
  }
  async rows(rows: string[][]): Promise<void> {
    for (const r of rows) this.#sheet.addRow(r).commit();
    // the zip is piped into `out`: while the client is slow, the next batch waits (memory ~ one batch)
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }
  async end(): Promise<void> {
    this.#sheet.commit();
    await this.#book.commit();
    if (!this.out.writableFinished) await once(this.out, 'finish');
  }
}
