/** The columns of a settings row (identity source, login rule); everything else goes in its `settings` JSON. */
export interface RowColumns {
  name?: string;
  siteId?: string | null;
  enabled?: boolean;
}

/** Splits a create/update body into the row's own columns (only those given) and its settings. */
export function splitSettingsRow<T extends RowColumns>(input: T): { row: RowColumns; settings: Omit<T, keyof RowColumns> } {
  const { name, siteId, enabled, ...settings } = input;
  return {
    row: { ...(name !== undefined ? { name } : {}), ...(siteId !== undefined ? { siteId } : {}), ...(enabled !== undefined ? { enabled } : {}) },
    settings,
  };
}
