import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { fk, id, timestamps } from './columns.js';

const { STRING, INTEGER, BOOLEAN, DATE, TEXT, JSON: JSONB } = DataTypes;

/** Three-level score → national level (docs/RATINGS.md): nothing the citizen did not choose is made stronger. */
const LEVEL_OF_SCORE = { good: 4, neutral: 3, bad: 2 } as const;
/** down: the national level → the three-level score */
const SCORE_OF_LEVEL = { 5: 'good', 4: 'good', 3: 'neutral', 2: 'bad', 1: 'bad' } as const;

const BAD_TAGS = [
  ['wait-too-long', '等候时间长'],
  ['attitude', '服务态度差'],
  ['not-resolved', '问题未解决'],
  ['unclear-guidance', '办事指南不清楚'],
  ['system-slow', '系统卡顿'],
] as const;
/**
 * Version 1 of the county's tag set, frozen here (later versions are written through the API).
 * The 差评 tags keep the codes of the reasons the three-level card offered.
 */
const TAG_SET_V1 = [
  { level: 5, code: 'attitude-good', label: '服务态度好' },
  { level: 5, code: 'efficient', label: '办事效率高' },
  { level: 5, code: 'done-in-one-visit', label: '一次办成' },
  { level: 4, code: 'attitude-good', label: '服务态度好' },
  { level: 4, code: 'efficient', label: '办事效率高' },
  { level: 4, code: 'clear-guidance', label: '办事指南清楚' },
  { level: 3, code: 'wait-a-little-long', label: '等候稍久' },
  { level: 3, code: 'process-could-improve', label: '流程有待优化' },
  ...[2, 1].flatMap((level) => BAD_TAGS.map(([code, label]) => ({ level, code, label }))),
];

const BATCH = 1000;

function jsonArray(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

/** Every rating, a batch at a time in id order, so a large hall's table is never read at once. */
async function eachRatingBatch<T>(qi: QueryInterface, columns: string, handle: (rows: T[]) => Promise<void>): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await qi.sequelize.query<T & { id: string }>(`SELECT id, ${columns} FROM ratings WHERE id > :after ORDER BY id LIMIT ${BATCH}`, {
      type: QueryTypes.SELECT,
      replacements: { after },
    });
    if (rows.length === 0) return;
    await handle(rows);
    after = rows[rows.length - 1]!.id;
  }
}

/** Sets NOT NULL where the database can do it in place (PostgreSQL); SQLite would rebuild the table, so the model holds it there. */
async function requireOnPostgres(qi: QueryInterface, table: string, columns: string[]): Promise<void> {
  if (qi.sequelize.getDialect() !== 'postgres') return;
  for (const c of columns) await qi.sequelize.query(`ALTER TABLE ${table} ALTER COLUMN ${c} SET NOT NULL`);
}

/**
 * 好差评 by the national rules: five levels (5 非常满意 … 1 非常不满意) instead of 好/中/差,
 * content tags from a versioned tag set the county edits, optional text, real-name or
 * anonymous, the case (办件编号) and the service item (事项编码) rated, and the channel.
 * Existing ratings are converted as docs/RATINGS.md describes; `down` converts back (lossy:
 * 非常满意 and 满意 both become 好评). Every 差评 from now on opens a work order (回访, 整改,
 * 申诉复核, 追评); a 差评 excluded on review stays stored but leaves the figures.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('rating_tag_sets', {
    version: { type: INTEGER, primaryKey: true, allowNull: false },
    tags: { type: JSONB, allowNull: false },
    created_by: fk('accounts', { allowNull: true, onDelete: 'SET NULL' }),
    created_at: { type: DATE, allowNull: false },
  });
  await qi.bulkInsert('rating_tag_sets', [{ version: 1, tags: JSON.stringify(TAG_SET_V1), created_by: null, created_at: new Date() }]);

  for (const table of ['rating_invitations', 'ratings']) {
    await qi.addColumn(table, 'case_number', { type: STRING(64), allowNull: true });
    await qi.addColumn(table, 'item_code', { type: STRING(64), allowNull: true });
  }
  await qi.addColumn('ratings', 'level', { type: INTEGER, allowNull: true });
  await qi.addColumn('ratings', 'tags', { type: JSONB, allowNull: true });
  await qi.addColumn('ratings', 'tag_set_version', { type: INTEGER, allowNull: true });
  await qi.addColumn('ratings', 'comment', { type: TEXT, allowNull: true });
  // the three-level card never asked for a name: every existing rating is anonymous
  await qi.addColumn('ratings', 'anonymous', { type: BOOLEAN, allowNull: false, defaultValue: true });
  await qi.addColumn('ratings', 'rater_name', { type: STRING(50), allowNull: true });
  await qi.addColumn('ratings', 'rater_phone', { type: STRING(11), allowNull: true });
  await qi.addColumn('ratings', 'channel', { type: STRING(24), allowNull: false, defaultValue: 'window-device' });

  const cases = Object.entries(LEVEL_OF_SCORE)
    .map(([score, level]) => `WHEN '${score}' THEN ${level}`)
    .join(' ');
  await qi.sequelize.query(`UPDATE ratings SET level = CASE score ${cases} END, tag_set_version = 1, tags = '[]'`);
  const unmapped = await qi.sequelize.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM ratings WHERE level IS NULL', {
    type: QueryTypes.SELECT,
    plain: true,
  });
  if (Number(unmapped?.n ?? 0) > 0) throw new Error(`0012: ${unmapped?.n} ratings have a score other than good/neutral/bad; nothing was converted`);

  // reasons that are tags of the new level stay tags; any other reason (free text) becomes the comment
  const tagsOf = (level: number) => new Set(TAG_SET_V1.filter((t) => t.level === level).map((t) => t.code));
  await eachRatingBatch<{ id: string; score: keyof typeof LEVEL_OF_SCORE; reasons: unknown }>(qi, 'score, reasons', async (rows) => {
    for (const row of rows) {
      const reasons = jsonArray(row.reasons);
      if (reasons.length === 0) continue;
      const known = tagsOf(LEVEL_OF_SCORE[row.score]);
      const tags = reasons.filter((r) => known.has(r));
      const rest = reasons.filter((r) => !known.has(r));
      await qi.sequelize.query('UPDATE ratings SET tags = :tags, comment = :comment WHERE id = :id', {
        replacements: { id: row.id, tags: JSON.stringify(tags), comment: rest.length ? rest.join('；') : null },
      });
    }
  });
  await requireOnPostgres(qi, 'ratings', ['level', 'tags', 'tag_set_version']);
  await qi.sequelize.query('ALTER TABLE ratings DROP COLUMN score');
  await qi.sequelize.query('ALTER TABLE ratings DROP COLUMN reasons');
  await qi.addIndex('ratings', ['item_code', 'created_at'], { name: 'ratings_item_code_created_at' });
  await qi.addIndex('ratings', ['case_number'], { name: 'ratings_case_number' });
  await qi.addColumn('ratings', 'excluded', { type: BOOLEAN, allowNull: false, defaultValue: false });

  await qi.createTable('rating_work_orders', {
    id: id(),
    // one order per 差评
    rating_id: { ...fk('ratings'), unique: true },
    site_id: fk('sites', { allowNull: true }),
    department_id: fk('departments', { allowNull: true }),
    window_id: fk('windows', { allowNull: true, onDelete: 'SET NULL' }),
    account_id: fk('accounts'),
    state: { type: STRING(16), allowNull: false },
    visit_due_at: { type: DATE, allowNull: false },
    rectify_due_at: { type: DATE, allowNull: false },
    visited_at: { type: DATE, allowNull: true },
    visit_note: { type: TEXT, allowNull: true },
    rectified_at: { type: DATE, allowNull: true },
    rectify_note: { type: TEXT, allowNull: true },
    appealed_at: { type: DATE, allowNull: true },
    appeal_reason: { type: TEXT, allowNull: true },
    reviewed_at: { type: DATE, allowNull: true },
    reviewed_by: fk('accounts', { allowNull: true, onDelete: 'SET NULL' }),
    review_decision: { type: STRING(16), allowNull: true },
    review_note: { type: TEXT, allowNull: true },
    follow_up_at: { type: DATE, allowNull: true },
    follow_up_level: { type: INTEGER, allowNull: true },
    follow_up_comment: { type: TEXT, allowNull: true },
    ...timestamps(),
  });
  await qi.addIndex('rating_work_orders', ['department_id', 'created_at']);
  await qi.addIndex('rating_work_orders', ['site_id', 'created_at']);
  await qi.addIndex('rating_work_orders', ['state']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('rating_work_orders');
  await qi.sequelize.query('ALTER TABLE ratings DROP COLUMN excluded');
  await qi.removeIndex('ratings', 'ratings_case_number');
  await qi.removeIndex('ratings', 'ratings_item_code_created_at');
  await qi.addColumn('ratings', 'score', { type: STRING(16), allowNull: true });
  await qi.addColumn('ratings', 'reasons', { type: JSONB, allowNull: true });
  const cases = Object.entries(SCORE_OF_LEVEL)
    .map(([level, score]) => `WHEN ${level} THEN '${score}'`)
    .join(' ');
  await qi.sequelize.query(`UPDATE ratings SET score = CASE level ${cases} END, reasons = '[]'`);
  await eachRatingBatch<{ id: string; tags: unknown; comment: string | null }>(qi, 'tags, comment', async (rows) => {
    for (const row of rows) {
      const reasons = [...jsonArray(row.tags), ...(row.comment ? [row.comment] : [])];
      if (reasons.length)
        await qi.sequelize.query('UPDATE ratings SET reasons = :reasons WHERE id = :id', { replacements: { id: row.id, reasons: JSON.stringify(reasons) } });
    }
  });
  await requireOnPostgres(qi, 'ratings', ['score', 'reasons']);
  for (const c of ['level', 'tags', 'tag_set_version', 'comment', 'anonymous', 'rater_name', 'rater_phone', 'channel', 'case_number', 'item_code']) {
    await qi.sequelize.query(`ALTER TABLE ratings DROP COLUMN ${c}`);
  }
  for (const c of ['case_number', 'item_code']) await qi.sequelize.query(`ALTER TABLE rating_invitations DROP COLUMN ${c}`);
  await qi.dropTable('rating_tag_sets');
}
