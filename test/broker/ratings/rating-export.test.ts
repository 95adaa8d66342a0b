import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AuditService } from '../../../broker/src/audit/audit.service.js';
import { RatingExporter } from '../../../broker/src/ratings/export/rating-export.service.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { CalendarClock } from '../../helpers/calendar-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

const RATING_HEADERS = [
  '评价编号',
  '事项编码',
  '办件编号',
  '评价等级',
  '是否差评',
  '标签',
  '评价内容',
  '评价方式',
  '窗口',
  '工作人员',
  '部门',
  '站点',
  '渠道',
  '评价时间',
  '申诉复核排除',
];

/** the bytes of a download, with the client's session cookie */
async function download(client: ApiClient, path: string): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Buffer }> {
  const res = await fetch(client.baseUrl + path, { headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

function csvRows(bytes: Buffer): string[][] {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM, so Excel reads Chinese');
  return parse(bytes.subarray(3).toString('utf8'), { relaxColumnCount: false }) as string[][];
}

async function xlsxRows(bytes: Buffer): Promise<{ sheet: string; rows: string[][] }> {
  const book = new ExcelJS.Workbook();
  // exceljs types its input as an ArrayBuffer
  await book.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    rows.push(Array.from({ length: sheet.columnCount }, (_, i) => String(row.getCell(i + 1).value ?? '')));
  });
  return { sheet: sheet.name, rows };
}

describe('好差评 daily export: CSV (BOM) and Excel of ratings and work orders, scoped, in batches', () => {
  let broker: TestBroker;
  let f: Factory;
  // Thu 3 Dec 2026, 09:00 in the hall (Asia/Shanghai)
  const clock = new CalendarClock(Date.parse('2026-12-03T01:00:00Z'));
  let hall: Awaited<ReturnType<Factory['hall']>>;
  let town: Awaited<ReturnType<Factory['hall']>>;
  let clerk: { id: string; username: string; displayName: string };
  let windowCode: string;
  const range = 'from=2026-12-02T16:00:00Z&to=2026-12-03T16:00:00Z';

  async function serve(at: Awaited<ReturnType<Factory['hall']>>, displayName: string) {
    const account = await f.account({ departmentIds: [at.department.id], homeSiteId: at.site.id, displayName });
    const seat = await f.windowWithTerminal(at.site.id);
    const login = await seat.client.post('/api/v1/terminal/sessions', { username: account.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const rate = async (level: number, more: Record<string, unknown> = {}, kase: Record<string, string> = {}) => {
      const invitation = await seat.client.post('/api/v1/terminal/rating-invitations', { sessionId: login.body.session.id, ...kase });
      assert.equal(invitation.status, 201, JSON.stringify(invitation.body));
      const res = await seat.client.post('/api/v1/terminal/ratings', { invitationId: invitation.body.id, level, tagSetVersion: 1, ...more });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    return { account, window: seat.window, rate };
  }

  before(async () => {
    broker = await startTestBroker({ clock, env: { YUNZHUO_ADMIN_SESSION_HOURS: '720' } });
    f = new Factory(broker.admin);
    hall = await f.hall({ desktops: 2 });
    town = await f.hall({ desktops: 2 });
    const here = await serve(hall, '王小明');
    clerk = here.account;
    windowCode = here.window.code;
    await here.rate(
      2,
      { tags: ['wait-too-long', 'attitude'], comment: '=1+1 "等了", 很久' },
      { caseNumber: '3703210012026120300017', itemCode: '11370321004345009R4000111' },
    );
    await here.rate(5, { tags: ['efficient'], rater: { name: '李四', phone: '13812345678' } });
    const there = await serve(town, '赵六');
    await there.rate(4);
    // the next day: outside the range
    clock.at += 24 * 3600 * 1000;
    await here.rate(3);
  });
  after(() => broker.stop());

  it('CSV of the ratings of a day: BOM, Chinese headers, names not ids, hall time, escaped cells, no rater name', async () => {
    const res = await download(broker.admin, `/api/v1/ratings/export?format=csv&${range}&siteId=${hall.site.id}`);
    assert.equal(res.status, 200, res.bytes.toString());
    assert.equal(res.type, 'text/csv; charset=utf-8');
    assert.match(res.disposition ?? '', /^attachment; filename="ratings\.csv"; filename\*=UTF-8''%E5%A5%BD%E5%B7%AE%E8%AF%84_2026-12-03_2026-12-03\.csv$/);
    const [header, ...rows] = csvRows(res.bytes);
    assert.deepEqual(header, RATING_HEADERS);
    assert.equal(rows.length, 2);
    const byLevel = new Map(rows.map((r) => [r[3], Object.fromEntries(header!.map((h, i) => [h, r[i]]))]));
    const bad = byLevel.get('2 不满意')!;
    assert.deepEqual(
      { ...bad, 评价编号: undefined },
      {
        评价编号: undefined,
        事项编码: '11370321004345009R4000111',
        办件编号: '3703210012026120300017',
        评价等级: '2 不满意',
        是否差评: '是',
        标签: '等候时间长、服务态度差',
        // a formula would run in Excel: the cell is made text
        评价内容: `'=1+1 "等了", 很久`,
        评价方式: '匿名',
        窗口: windowCode,
        工作人员: `王小明（${clerk.username}）`,
        部门: hall.department.name,
        站点: hall.site.name,
        渠道: '窗口评价器',
        评价时间: '2026-12-03 09:00:00',
        申诉复核排除: '否',
      },
    );
    assert.equal(byLevel.get('5 非常满意')!['评价方式'], '实名');
    assert.equal(byLevel.get('5 非常满意')!['标签'], '办事效率高');
    assert.ok(!res.bytes.toString().includes('李四') && !res.bytes.toString().includes('1381234'), 'the rater never leaves in an export');
  });

  it('Excel of the same day holds the same rows; without siteId the county sees every site', async () => {
    const csv = csvRows((await download(broker.admin, `/api/v1/ratings/export?${range}`)).bytes);
    const res = await download(broker.admin, `/api/v1/ratings/export?format=xlsx&${range}`);
    assert.equal(res.status, 200);
    assert.equal(res.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const { sheet, rows } = await xlsxRows(res.bytes);
    assert.equal(sheet, '好差评');
    assert.equal(rows.length, 4, 'header + three ratings of the day at both sites');
    // the CSV's only difference: the quote that keeps a formula text
    assert.deepEqual(
      rows,
      csv.map((r) => r.map((c) => c.replace(/^'=/, '='))),
    );
  });

  it("a site admin exports only its sites' ratings; a bad range is refused", async () => {
    const admin = await f.account({ roles: ['site-admin'], homeSiteId: town.site.id, password: 'town-admin-pass-1' });
    const client = new ApiClient(broker.url);
    assert.equal((await client.login(admin.username, 'town-admin-pass-1')).status, 200);
    const [, ...rows] = csvRows((await download(client, `/api/v1/ratings/export?${range}`)).bytes);
    assert.deepEqual(
      rows.map((r) => [r[3], r[9]]),
      [['4 满意', `赵六（${rows[0]![9]!.match(/（(.*)）/)![1]}）`]],
    );
    assertError(await client.get('/api/v1/ratings/export?from=2026-12-03T00:00:00Z&to=2026-12-02T00:00:00Z'), 400, 'VALIDATION_FAILED');
    assertError(await client.get('/api/v1/ratings/export?format=pdf&' + range), 400, 'VALIDATION_FAILED');
  });

  it('work orders of the day as CSV and Excel: state, deadlines in hall time, the rating they follow', async () => {
    const csv = csvRows((await download(broker.admin, `/api/v1/rating-work-orders/export?${range}`)).bytes);
    assert.deepEqual(csv[0]!.slice(0, 7), ['工单编号', '评价编号', '事项编码', '办件编号', '评价等级', '标签', '工单状态']);
    assert.equal(csv.length, 2, 'one 差评 that day');
    const row = Object.fromEntries(csv[0]!.map((h, i) => [h, csv[1]![i]]));
    assert.equal(row['办件编号'], '3703210012026120300017');
    assert.equal(row['工单状态'], '待回访');
    assert.equal(row['创建时间'], '2026-12-03 09:00:00');
    // 回访 within 3 working days after Thu 3 Dec: Fri 4, Mon 7, Tue 8, so by the start of Wed 9
    assert.equal(row['回访期限'], '2026-12-09 00:00:00');
    assert.equal(row['回访逾期'], '否');
    const xlsx = await xlsxRows((await download(broker.admin, `/api/v1/rating-work-orders/export?format=xlsx&${range}`)).bytes);
    assert.equal(xlsx.sheet, '差评工单');
    assert.deepEqual(xlsx.rows, csv);
  });

  it('reads in batches by (createdAt, id): rows of one instant are neither lost nor repeated across batches', async () => {
    const exporter = new RatingExporter({ audit: new AuditService(clock), clock, timeZone: 'Asia/Shanghai', batchSize: 2 });
    const out = new PassThrough();
    const bytes = buffer(out);
    await exporter.write({ kind: 'ratings', format: 'csv', from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-10T00:00:00Z'), where: [] }, out);
    const [, ...rows] = csvRows(await bytes);
    const all = await broker.admin.get('/api/v1/ratings?pageSize=100&order=asc');
    assert.deepEqual(
      rows.map((r) => r[0]),
      all.body.items
        .map((r: { id: string; createdAt: string }) => `${r.createdAt} ${r.id}`)
        .sort()
        .map((k: string) => k.split(' ')[1]),
    );
  });
});
