import type { Transaction } from 'sequelize';
import type { z } from 'zod';
import type { ImportRowResult } from '@yunzhuo/protocol/api/imports';
import type { AuditEntry } from '../audit/audit.service.js';

export type { ImportReport, ImportRowResult } from '@yunzhuo/protocol/api/imports';

/** What a planned row's write gets: the import's one transaction, and its audit log. */
export interface ApplyContext {
  transaction: Transaction;
  /** one audit event per row changed, stored with the rows */
  audit(entry: AuditEntry): void;
}

export interface PlannedRow {
  result: ImportRowResult;
  prepare?: () => Promise<void>;
  apply?: (ctx: ApplyContext) => Promise<unknown>;
}

/** The errors of one row, each with its stable code. */
export class RowErrors {
  readonly messages: string[] = [];
  readonly codes: ImportRowResult['codes'] = [];

  add(message: string, code: ImportRowResult['codes'][number] = 'VALIDATION_FAILED'): void {
    this.messages.push(message);
    if (!this.codes.includes(code)) this.codes.push(code);
  }

  /** zod's problems (Chinese, `api/zod-zh.ts`), each under the CSV column a clerk's admin knows */
  addIssues(issues: readonly z.core.$ZodIssue[], columns: Record<string, string>): void {
    for (const i of issues) this.add(`${columns[String(i.path[0])] ?? (i.path.join('.') || '本行')}：${i.message}`);
  }

  get any(): boolean {
    return this.messages.length > 0;
  }

  result(line: number, key: string, action: ImportRowResult['action']): ImportRowResult {
    return { line, action: this.any ? null : action, key, errors: this.messages, codes: this.codes };
  }
}
