import assert from 'node:assert/strict';
import { z } from 'zod';
import { zhErrorMap } from '../../../protocol/src/api/zod-zh.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/**
 * Issue 17, item 3: every validation message the console can show is Chinese. An empty body and a
 * body of wrong types go to every POST and PATCH of the OpenAPI document; no message of any answer
 * may be free of Chinese. A duplicate names its field instead of a bare CONFLICT.
 */
type Doc = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
const CHINESE = /[\u3400-\u9fff]/;
const NO_ID = '00000000-0000-4000-8000-00000000beef';

function messagesOf(body: { error?: { message?: string; details?: { issues?: Array<{ path: string; message: string }> } } }): string[] {
  const issues = body.error?.details?.issues ?? [];
  return [body.error?.message ?? '', ...issues.map((i) => `${i.path} ${i.message}`)];
}

describe('validation messages in Chinese (issue 17)', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let f: Factory;
  before(async () => {
    broker = await startTestBroker();
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  it('an empty body and a body of wrong types to every write route: every message has Chinese in it', async () => {
    const doc = (await broker.admin.get('/api/v1/openapi.json')).body as Doc;
    const refused: string[] = [];
    const english: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (!schema || path === '/api/v1/auth/logout') continue;
        const url = path.replace('{id}', NO_ID).replace('{date}', '2027-02-01');
        const wrong = Object.fromEntries(Object.keys(schema.properties ?? {}).map((k) => [k, [{ wrong: true }]]));
        for (const body of [{}, wrong]) {
          const res = await broker.admin.request(method.toUpperCase(), url, body);
          if (res.body?.error?.code !== 'VALIDATION_FAILED') continue;
          refused.push(`${method} ${path}`);
          for (const m of messagesOf(res.body)) if (!CHINESE.test(m)) english.push(`${method} ${path}: ${m}`);
        }
      }
    }
    assert.deepEqual(english, []);
    // the create routes of every resource the console writes were among those refused
    for (const r of ['sites', 'departments', 'windows', 'terminals', 'accounts', 'gateways', 'pools', 'desktops', 'ssh-hosts', 'join-tokens']) {
      assert.ok(refused.includes(`post /api/v1/${r}`), `POST /api/v1/${r} refused an empty body: ${refused.join(', ')}`);
    }
  });

  it('an empty create names each missing field as 必填', async () => {
    const res = await broker.admin.request('POST', '/api/v1/windows', {});
    assert.equal(res.status, 400);
    assert.deepEqual(
      res.body.error.details.issues.map((i: { path: string; message: string }) => [i.path, i.message]),
      [
        ['body.siteId', '必填'],
        ['body.code', '必填'],
      ],
    );
  });

  it('a duplicate code or account names the field: 编码已存在, 账号已存在', async () => {
    const department = await f.department();
    const again = await broker.admin.request('POST', '/api/v1/departments', { code: department.code.toLowerCase(), name: '又一个' });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.error.code, 'CONFLICT');
    assert.equal(again.body.error.details.field, 'code', JSON.stringify(again.body));
    assert.match(again.body.error.message, /^编码已存在，请换一个/);
    const site = await f.site();
    const window = await f.window(site.id);
    const twin = await broker.admin.request('POST', '/api/v1/windows', { siteId: site.id, code: window.code });
    assert.equal(twin.body.error.details.field, 'code');
    const account = await f.account();
    const same = await broker.admin.request('POST', '/api/v1/accounts', {
      username: account.username.toUpperCase(),
      displayName: '重名',
      password: 'clerk-pass-1',
      roles: ['clerk'],
    });
    assert.equal(same.status, 409);
    assert.equal(same.body.error.details.field, 'username');
    assert.match(same.body.error.message, /^账号已存在/);
  });
});

describe('zhErrorMap', () => {
  const message = (schema: z.ZodTypeAny, value: unknown) => {
    const r = schema.safeParse(value, { error: zhErrorMap });
    assert.equal(r.success, false);
    return r.error?.issues[0]?.message;
  };
  it('says each kind of problem in plain Chinese', () => {
    assert.equal(message(z.string(), undefined), '必填');
    assert.equal(message(z.string(), null), '不能为空');
    assert.equal(message(z.number(), 'x'), '应为数字');
    assert.equal(message(z.string().min(1), ''), '不能为空');
    assert.equal(message(z.string().min(8), 'abc'), '至少 8 个字符');
    assert.equal(message(z.string().max(2), 'abc'), '最多 2 个字符');
    assert.equal(message(z.number().int().min(1), 0), '不能小于 1');
    assert.equal(message(z.number().max(9), 10), '不能大于 9');
    assert.equal(message(z.number().int(), 1.5), '应为整数');
    assert.equal(message(z.array(z.string()).min(1), []), '至少选择一项');
    assert.equal(message(z.enum(['a', 'b']), 'c'), '只能是以下之一：a、b');
    assert.equal(message(z.string().uuid(), 'x'), '不是有效的编号（UUID）');
    assert.equal(message(z.string().regex(/^x$/), 'y'), '格式不正确');
    assert.equal(message(z.object({}).strict(), { extra: 1 }), '不认识的字段：extra');
    assert.equal(message(z.string().regex(/^x$/, '自带的说明'), 'y'), '自带的说明', "a schema's own message wins");
  });
});
