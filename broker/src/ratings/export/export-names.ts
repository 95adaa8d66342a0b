import { Account } from '../../accounts/account.model.js';
import { Department } from '../../departments/department.model.js';
import { Site } from '../../sites/site.model.js';
import { HallWindow } from '../../windows/window.model.js';
import { RatingTagSet } from '../rating.model.js';

type Kind = 'window' | 'account' | 'department' | 'site';

/** id → the name an export shows, per kind of row */
const LOOKUP: Record<Kind, (ids: string[]) => Promise<[string, string][]>> = {
  window: async (ids) =>
    (await HallWindow.findAll({ where: { id: ids }, attributes: ['id', 'code', 'label'] })).map((w) => [w.id, w.label ? `${w.code} ${w.label}` : w.code]),
  account: async (ids) =>
    (await Account.findAll({ where: { id: ids }, attributes: ['id', 'username', 'displayName'] })).map((a) => [a.id, `${a.displayName}（${a.username}）`]),
  department: async (ids) => (await Department.findAll({ where: { id: ids }, attributes: ['id', 'name'] })).map((d) => [d.id, d.name]),
  site: async (ids) => (await Site.findAll({ where: { id: ids }, attributes: ['id', 'name'] })).map((s) => [s.id, s.name]),
};

/**
 * The names an export row shows instead of ids. Looked up once per batch for the ids the batch
 * names that are not known yet, so memory grows with the hall (windows, clerks), not with rows.
 */
export class ExportNames {
  readonly #names: Record<Kind, Map<string, string>> = { window: new Map(), account: new Map(), department: new Map(), site: new Map() };
  #tags = new Map<string, string>();

  static async load(): Promise<ExportNames> {
    const names = new ExportNames();
    for (const set of await RatingTagSet.findAll()) for (const t of set.tags) names.#tags.set(`${set.version}:${t.level}:${t.code}`, t.label);
    return names;
  }

  async learn(rows: { windowId: string | null; accountId: string; departmentId: string | null; siteId: string | null }[]): Promise<void> {
    const column = { window: 'windowId', account: 'accountId', department: 'departmentId', site: 'siteId' } as const;
    for (const kind of Object.keys(column) as Kind[]) {
      const ids = [...new Set(rows.map((r) => r[column[kind]]).filter((id): id is string => !!id && !this.#names[kind].has(id)))];
      if (ids.length) for (const [id, name] of await LOOKUP[kind](ids)) this.#names[kind].set(id, name);
    }
  }

  /** the name, or the id itself when the row it named is gone */
  of(kind: Kind, id: string | null): string {
    return id ? (this.#names[kind].get(id) ?? id) : '';
  }

  tags(version: number, level: number, codes: string[]): string {
    return codes.map((c) => this.#tags.get(`${version}:${level}:${c}`) ?? c).join('、');
  }
}
