/** RFC 4515: a value inside a search filter (`*`, `(`, `)`, `\` and NUL escaped). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** RFC 4514: a value inside a DN (`userDnTemplate`'s {username}). */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

/** DNs compared the way directories do for our purposes: case and spaces after separators ignored. */
export function dnKey(dn: string): string {
  return dn
    .trim()
    .replace(/\s*([,=+])\s*/g, '$1')
    .toLowerCase();
}

export function fillTemplate(template: string, value: string): string {
  return template.split('{username}').join(value);
}

/** One attribute of an ldapts entry as text (the first value of a multi-valued one). */
export function firstText(value: unknown): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}
