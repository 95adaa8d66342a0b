import type { Transaction } from 'sequelize';

export interface RowResult {
  line: number;
  action: 'create' | 'update' | null;
  key: string;
  errors: string[];
}

export interface ImportReport {
  kind: 'windows' | 'accounts';
  encoding: string;
  dryRun: boolean;
  applied: boolean;
  total: number;
  valid: number;
  invalid: number;
  rows: RowResult[];
}

export interface PlannedRow {
  result: RowResult;
  prepare?: () => Promise<void>;
  apply?: (t: Transaction) => Promise<unknown>;
}
