/**
 * What `POST /api/v1/imports/:kind` answers: the dry-run preview or the applied result, row by
 * row (types only, no zod: the console imports them without the schemas).
 */
export type ImportKind = 'windows' | 'accounts';

export interface ImportRowResult {
  /** the line of the CSV file, the header being line 1 */
  line: number;
  action: 'create' | 'update' | null;
  key: string;
  errors: string[];
  /**
   * The stable code of each kind of error on this row (`FORBIDDEN`: the actor may not touch
   * this row, the same refusal the single-row API gives; `VALIDATION_FAILED`: bad or unknown input).
   */
  codes: Array<'FORBIDDEN' | 'VALIDATION_FAILED'>;
}

export interface ImportReport {
  kind: ImportKind;
  encoding: string;
  dryRun: boolean;
  applied: boolean;
  total: number;
  valid: number;
  invalid: number;
  rows: ImportRowResult[];
}
