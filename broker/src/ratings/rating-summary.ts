import { fn, col, Op, type WhereOptions } from 'sequelize';
import type { z } from 'zod';
import type { ratingSummaryOut, RatingScore } from '@yunzhuo/protocol/api/ratings';
import { Account } from '../accounts/account.model.js';
import { Department } from '../departments/department.model.js';
import { HallWindow } from '../windows/window.model.js';
import { Rating } from './rating.model.js';

type Summary = z.output<typeof ratingSummaryOut>;
type Counts = Summary['overall'];
export type RatingGroup = Summary['groupBy'];

const COLUMN: Record<RatingGroup, string> = { window: 'window_id', account: 'account_id', department: 'department_id' };

function counts(c: Record<RatingScore, number>): Counts {
  const total = c.good + c.neutral + c.bad;
  return { ...c, total, goodRate: total ? c.good / total : 0, satisfaction: total ? (c.good + c.neutral) / total : 0 };
}

/** Display names for the group keys, so a report needs no second lookup. */
async function namesOf(groupBy: RatingGroup, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  if (groupBy === 'window') {
    const rows = await HallWindow.findAll({ where: { id: ids } });
    return new Map(rows.map((w) => [w.id, w.label ? `${w.code} ${w.label}` : w.code]));
  }
  if (groupBy === 'account') {
    const rows = await Account.findAll({ where: { id: ids } });
    return new Map(rows.map((a) => [a.id, a.displayName || a.username]));
  }
  const rows = await Department.findAll({ where: { id: ids } });
  return new Map(rows.map((d) => [d.id, d.name]));
}

/** Counts of 好/中/差 per window, clerk or department, counted by the database. */
export async function summarizeRatings(where: WhereOptions[], groupBy: RatingGroup): Promise<Summary> {
  const column = COLUMN[groupBy];
  const rows = (await Rating.findAll({
    attributes: [[col(column), 'key'], 'score', [fn('COUNT', col('id')), 'n']],
    where: { [Op.and]: where },
    group: [col(column), col('score')],
    raw: true,
  })) as unknown as Array<{ key: string | null; score: RatingScore; n: number | string }>;
  const byKey = new Map<string | null, Record<RatingScore, number>>();
  const overall: Record<RatingScore, number> = { good: 0, neutral: 0, bad: 0 };
  for (const row of rows) {
    const c = byKey.get(row.key) ?? { good: 0, neutral: 0, bad: 0 };
    c[row.score] += Number(row.n);
    overall[row.score] += Number(row.n);
    byKey.set(row.key, c);
  }
  const names = await namesOf(groupBy, [...byKey.keys()].filter((k): k is string => k !== null));
  const items = [...byKey].map(([key, c]) => ({ key, name: key === null ? null : names.get(key) ?? null, ...counts(c) }));
  // the weakest first: that is what a supervisor reads the report for
  items.sort((a, b) => a.satisfaction - b.satisfaction || b.total - a.total || String(a.name).localeCompare(String(b.name)));
  return { groupBy, items, overall: counts(overall) };
}
