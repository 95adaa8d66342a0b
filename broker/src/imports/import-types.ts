import type { Transaction } from 'sequelize';
import type { ImportRowResult } from '@yunzhuo/protocol/api/imports';

export type { ImportReport, ImportRowResult } from '@yunzhuo/protocol/api/imports';

export interface PlannedRow {
  result: ImportRowResult;
  prepare?: () => Promise<void>;
  apply?: (t: Transaction) => Promise<unknown>;
}
