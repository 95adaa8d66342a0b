/**
 * Pool action commands are templates: `{{desktop.name}}` and friends are replaced by values
 * quoted for a POSIX shell, so a desktop named `a; rm -rf /` stays one harmless argument.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;

export const PLACEHOLDERS = [
  'desktop.id',
  'desktop.name',
  'desktop.host',
  'desktop.rdpUsername',
  'pool.id',
  'pool.name',
  'session.id',
  'oneTimePassword',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** names in the template that are not placeholders (a typo is caught when the action is saved) */
export function unknownPlaceholders(template: string): string[] {
  return placeholdersIn(template).filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

export function renderCommand(template: string, values: Partial<Record<Placeholder, string>>): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = values[name as Placeholder];
    if (value === undefined) throw new Error(`no value for {{${name}}}`);
    return shellQuote(value);
  });
}
