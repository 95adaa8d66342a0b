import { ApiError } from '../../api/api-error';

/** What a directory group or a provider's claim value grants (the API's groupMappings / claimMappings). */
export interface Grants {
  departmentIds: string[];
  poolIds: string[];
  roles: string[];
}

export interface NameIndex {
  departments: { id: string; name: string; code: string }[];
  pools: { id: string; name: string }[];
  /** role code → its label in the UI language (a label is accepted as well as the code) */
  roles: Record<string, string>;
}

const SPLIT = /[,，、]/;

/**
 * One mapping a line, `key | 部门 | 桌面池 | 角色`, names instead of ids so an admin can read and type
 * them: `cn=tax,ou=groups,dc=county,dc=gov | 税务 | 税务-浮动池 | clerk`. Empty columns may be left out.
 */
export function formatMappings(rows: (Grants & { key: string })[], index: NameIndex): string {
  const name = <T extends { id: string; name: string }>(list: T[], id: string) => list.find((x) => x.id === id)?.name ?? id;
  return rows
    .map((m) =>
      [m.key, m.departmentIds.map((id) => name(index.departments, id)).join(', '), m.poolIds.map((id) => name(index.pools, id)).join(', '), m.roles.join(', ')]
        .join(' | ')
        .replace(/(\s\|\s)+$/, ''),
    )
    .join('\n');
}

function refused(field: string, message: string): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', message, { issues: [{ path: field, message }] });
}

/** The lines back into mappings; an unknown name is refused with the line it is on (field `field`). */
export function parseMappings(
  text: string,
  index: NameIndex,
  field: string,
  messages: { unknown: (what: string, line: number) => string },
): (Grants & { key: string })[] {
  const out: (Grants & { key: string })[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const [key = '', departments = '', pools = '', roles = ''] = line.split('|').map((c) => c.trim());
    const names = (column: string) =>
      column
        .split(SPLIT)
        .map((n) => n.trim())
        .filter(Boolean);
    const find = (column: string, lookup: (n: string) => string | undefined) =>
      names(column).map((n) => {
        const id = lookup(n);
        if (!id) throw refused(field, messages.unknown(n, i + 1));
        return id;
      });
    out.push({
      key,
      departmentIds: find(departments, (n) => index.departments.find((d) => d.name === n || d.code === n)?.id),
      poolIds: find(pools, (n) => index.pools.find((p) => p.name === n)?.id),
      roles: find(roles, (n) => (n in index.roles ? n : Object.keys(index.roles).find((code) => index.roles[code] === n))),
    });
  });
  return out;
}

/** One item a line (server URLs, client networks). */
export function lines(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    : [];
}
