import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createMigrator } from '../../../broker/src/db/migrator.js';
import { openEmptyDatabase } from '../../helpers/test-database.js';

/** Migration 0012 converts the three-level ratings already stored (docs/RATINGS.md), and back. */
const BEFORE = '0007-name-keys';
const THIS = '0012-rating-levels';

/** score, reasons → the level, tags and comment docs/RATINGS.md promises */
const CASES: Array<[string, string[], number, string[], string | null]> = [
  ...Array.from({ length: 5 }, (): [string, string[], number, string[], string | null] => ['good', [], 4, [], null]),
  ['good', ['attitude-good'], 4, ['attitude-good'], null],
  ['good', ['很好'], 4, [], '很好'],
  ['neutral', [], 3, [], null],
  ['neutral', [], 3, [], null],
  ['neutral', ['wait-too-long'], 3, [], 'wait-too-long'],
  ['bad', ['wait-too-long', 'system-slow'], 2, ['wait-too-long', 'system-slow'], null],
  ['bad', ['态度不好'], 2, [], '态度不好'],
  ['bad', ['attitude', '等太久', '没办成'], 2, ['attitude'], '等太久；没办成'],
  ['bad', [], 2, [], null],
];

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

async function insert(sequelize: Sequelize, table: string, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  await sequelize.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `:${c}`).join(', ')})`, { replacements: row });
}

/** a rating of each case on one session, as the three-level broker stored them; their ids in case order */
async function seedThreeLevelRatings(sequelize: Sequelize): Promise<string[]> {
  const now = new Date();
  const stamps = { created_at: now, updated_at: now };
  const site = randomUUID();
  const department = randomUUID();
  const account = randomUUID();
  const pool = randomUUID();
  const session = randomUUID();
  await insert(sequelize, 'sites', { id: site, path: `/${site}/`, code: 'HT', name: '桓台县政务服务中心', kind: 'county', ...stamps });
  await insert(sequelize, 'departments', { id: department, code: 'SHEBAO', name: '社保', ...stamps });
  await insert(sequelize, 'accounts', { id: account, username: 'clerk1', display_name: '窗口一', password_hash: 'x', roles: '["clerk"]', ...stamps });
  await insert(sequelize, 'pools', { id: pool, name: '社保桌面', department_id: department, site_id: site, settings: '{}', ...stamps });
  await insert(sequelize, 'sessions', {
    id: session,
    account_id: account,
    pool_id: pool,
    site_id: site,
    department_id: department,
    state: 'ended',
    requested_at: now,
    ...stamps,
  });
  const ids: string[] = [];
  for (const [score, reasons] of CASES) {
    const context = { session_id: session, site_id: site, account_id: account, department_id: department, pool_id: pool };
    const invitation = randomUUID();
    await insert(sequelize, 'rating_invitations', { id: invitation, ...context, expires_at: now, ...stamps });
    const id = randomUUID();
    await insert(sequelize, 'ratings', { id, invitation_id: invitation, ...context, score, reasons: JSON.stringify(reasons), ...stamps });
    ids.push(id);
  }
  return ids;
}

async function countBy(sequelize: Sequelize, column: string): Promise<Record<string, number>> {
  const rows = await sequelize.query<{ k: string | number; n: string | number }>(`SELECT ${column} AS k, COUNT(*) AS n FROM ratings GROUP BY ${column}`, {
    type: QueryTypes.SELECT,
  });
  return Object.fromEntries(rows.map((r) => [String(r.k), Number(r.n)]));
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`migration 0012 on ${dialect}: three-level ratings → the national five levels, and back`, () => {
    let sequelize: Sequelize;
    let close: () => Promise<void>;
    let ids: string[];

    before(async () => {
      ({ sequelize, close } = await openEmptyDatabase(dialect));
      await createMigrator(sequelize).up({ to: BEFORE });
      ids = await seedThreeLevelRatings(sequelize);
    });
    after(() => close());

    it('converts every rating: 好评 → 4 满意, 中评 → 3 基本满意, 差评 → 2 不满意; reasons → tags of the level or the comment', async () => {
      await createMigrator(sequelize).up();
      assert.deepEqual(await countBy(sequelize, 'level'), { 4: 7, 3: 3, 2: 4 });
      const rows = await sequelize.query<{
        id: string;
        level: number;
        tags: unknown;
        comment: string | null;
        tag_set_version: number;
        anonymous: unknown;
        channel: string;
        case_number: null;
      }>('SELECT id, level, tags, comment, tag_set_version, anonymous, channel, case_number FROM ratings', { type: QueryTypes.SELECT });
      assert.equal(rows.length, CASES.length);
      const byId = new Map(rows.map((r) => [r.id, r]));
      CASES.forEach(([score, reasons, level, tags, comment], i) => {
        const row = byId.get(ids[i]!)!;
        assert.deepEqual(
          [Number(row.level), json(row.tags), row.comment, Number(row.tag_set_version), Boolean(row.anonymous), row.channel, row.case_number],
          [level, tags, comment, 1, true, 'window-device', null],
          `${score} ${JSON.stringify(reasons)}`,
        );
      });
      const columns = Object.keys(await sequelize.getQueryInterface().describeTable('ratings'));
      assert.ok(!columns.includes('score') && !columns.includes('reasons'), 'the three-level columns are gone');
      const tagSet = await sequelize.query<{ version: number; tags: unknown }>('SELECT version, tags FROM rating_tag_sets', { type: QueryTypes.SELECT });
      assert.deepEqual(
        tagSet.map((t) => Number(t.version)),
        [1],
      );
      const v1 = json(tagSet[0]!.tags) as Array<{ level: number; code: string }>;
      for (const level of [5, 4, 3, 2, 1])
        assert.ok(
          v1.some((t) => t.level === level),
          `version 1 has tags of level ${level}`,
        );
    });

    it('down converts back to 好/中/差 with the tags and comment as reasons, counts kept', async () => {
      await createMigrator(sequelize).down({ to: THIS });
      assert.deepEqual(await countBy(sequelize, 'score'), { good: 7, neutral: 3, bad: 4 });
      const rows = await sequelize.query<{ id: string; reasons: unknown }>('SELECT id, reasons FROM ratings', { type: QueryTypes.SELECT });
      const reasons = new Map(rows.map((r) => [r.id, json(r.reasons)]));
      // the order of a tag and a free reason is not kept: tags first, then the comment
      assert.deepEqual(reasons.get(ids[12]!), ['attitude', '等太久；没办成']);
      assert.deepEqual(reasons.get(ids[10]!), ['wait-too-long', 'system-slow']);
      assert.deepEqual(reasons.get(ids[0]!), []);
      const tables = (await sequelize.getQueryInterface().showAllTables()) as Array<string | { tableName: string }>;
      assert.ok(!tables.map((t) => (typeof t === 'string' ? t : t.tableName)).includes('rating_tag_sets'));
      await createMigrator(sequelize).up();
      assert.deepEqual(await countBy(sequelize, 'level'), { 4: 7, 3: 3, 2: 4 }, 'up again after down');
    });
  });
}
