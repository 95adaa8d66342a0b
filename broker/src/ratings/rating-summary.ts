import { fn, col, Op, type WhereOptions } from 'sequelize';
import type { z } from 'zod';
import type { ratingCounts, ratingSummaryOut } from '@yunzhuo/protocol/api/ratings';
import { Account } from '../accounts/account.model.js';
import { Department } from '../departments/department.model.js';
import { Site } from '../sites/site.model.js';
import { HallWindow } from '../windows/window.model.js';
import { Rating } from './rating.model.js';

type Summary = z.output<typeof ratingSummaryOut>;
type Counts = z.output<typeof ratingCounts>;
export type RatingGroup = Summary['groupBy'];

const COLUMN: Record<RatingGroup, string> = { window: 'window_id', account: 'account_id', department: 'department_id', site: 'site_id', item: 'item_code' };

/** Per level, indexed by the level number (1–5). */
type LevelCounts = [number, number, number, number, number, number];

function counts(c: LevelCounts): Counts {
  const total = c[1] + c[2] + c[3] + c[4] + c[5];
  const bad = c[1] + c[2];
  return {
    verySatisfied: c[5],
    satisfied: c[4],
    basicallySatisfied: c[3],
    dissatisfied: c[2],
    veryDissatisfied: c[1],
    total,
    bad,
    satisfaction: total ? (total - bad) / total : 0,
    badRate: total ? bad / total : 0,
  };
}

/** Display names for the group keys, so a report needs no second lookup. */
async function namesOf(groupBy: RatingGroup, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  switch (groupBy) {
    case 'window':
      return new Map((await HallWindow.findAll({ where: { id: ids } })).map((w) => [w.id, w.label ? `${w.code} ${w.label}` : w.code]));
    case 'account':
      return new Map((await Account.findAll({ where: { id: ids } })).map((a) => [a.id, a.displayName || a.username]));
    case 'department':
      return new Map((await Department.findAll({ where: { id: ids } })).map((d) => [d.id, d.name]));
    case 'site':
      return new Map((await Site.findAll({ where: { id: ids } })).map((s) => [s.id, s.name]));
    case 'item':
      return new Map(ids.map((code) => [code, code]));
  }
}

/** 满意率 and 差评率 per window, clerk, department, site or service item, counted by the database. */
export async function summarizeRatings(where: WhereOptions[], groupBy: RatingGroup): Promise<Summary> {
  const column = COLUMN[groupBy];
  const rows = (await Rating.findAll({
    attributes: [[col(column), 'key'], 'level', [fn('COUNT', col('id')), 'n']],
    where: { [Op.and]: where },
    group: [col(column), col('level')],
    raw: true,
  })) as unknown as Array<{ key: string | null; level: number | string; n: number | string }>;
  const byKey = new Map<string | null, LevelCounts>();
  const overall: LevelCounts = [0, 0, 0, 0, 0, 0];
  for (const row of rows) {
    const c = byKey.get(row.key) ?? [0, 0, 0, 0, 0, 0];
    const level = Number(row.level);
    c[level] = (c[level] ?? 0) + Number(row.n);
    overall[level] = (overall[level] ?? 0) + Number(row.n);
    byKey.set(row.key, c);
  }
  const names = await namesOf(
    groupBy,
    [...byKey.keys()].filter((k): k is string => k !== null),
  );
  const items = [...byKey].map(([key, c]) => ({ key, name: key === null ? null : (names.get(key) ?? null), ...counts(c) }));
  // the weakest first: that is what a supervisor reads the report for
  items.sort((a, b) => a.satisfaction - b.satisfaction || b.total - a.total || String(a.name).localeCompare(String(b.name)));
  return { groupBy, items, overall: counts(overall) };
}
