import assert from 'node:assert/strict';
import { ApiClient, assertError, type ApiResponse } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ADMIN_PASSWORD, startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/** what an attacker puts in a name: each must be refused with a clear reason */
const UNSAFE = {
  'a lone high surrogate': 'abc\uD800',
  'a lone low surrogate': '\uDC00abc',
  'the right-to-left override': 'invoice\u202Etxt.exe',
  'a left-to-right isolate': '\u2066admin\u2069',
  'a line separator': 'first\u2028second',
  'a paragraph separator': 'first\u2029second',
  'a C1 control (NEL)': 'first\u0085second',
  'a bell': 'ding\u0007',
};

function assertUnsafeName(res: ApiResponse, field: string): void {
  assertError(res, 400, 'VALIDATION_FAILED');
  const issue = res.body.error.details.issues.find((i: { path: string }) => i.path === `body.${field}`);
  assert.ok(issue, JSON.stringify(res.body));
  assert.equal(issue.reason, 'NAME_UNSAFE_CHARACTERS');
  assert.match(issue.message, /名称中含有不允许的字符/);
}

/** Finding 7 of issue 13: names are Unicode-normalized and unsafe characters refused; login names are unique by width and case. */
describe('names: normalized, unique by login key, no unsafe characters', () => {
  let broker: TestBroker;
  let f: Factory;
  before(async () => {
    broker = await startTestBroker();
    f = new Factory(broker.admin);
  });
  after(async () => broker?.stop());

  it('ａｄｍｉｎ, ADMIN and Admin cannot be created beside admin (409 CONFLICT); nothing is stored', async () => {
    const before = (await broker.admin.get('/api/v1/accounts?pageSize=200')).body.total;
    for (const username of ['ａｄｍｉｎ', 'ADMIN', 'Admin', 'ＡＤＭＩＮ']) {
      assertError(await broker.admin.post('/api/v1/accounts', { username, displayName: '冒充', password: 'clerk-pass-1', roles: ['admin'] }), 409, 'CONFLICT');
    }
    assert.equal((await broker.admin.get('/api/v1/accounts?pageSize=200')).body.total, before);
  });

  it('a login finds the account whatever width or case was typed', async () => {
    for (const typed of ['ＡＤＭＩＮ', 'Admin', 'ａｄｍｉｎ']) {
      const res = await new ApiClient(broker.url).login(typed, ADMIN_PASSWORD);
      assert.equal(res.status, 200, `${typed}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.account.username, 'admin');
    }
  });

  it('a username is stored NFKC (full-width digits and letters become ASCII), a display name NFC', async () => {
    const created = await f.account({ username: 'ｃｌｅｒｋ９０１', displayName: 'Jose\u0301 张三' });
    assert.equal(created.username, 'clerk901');
    assert.equal(created.displayName, 'Jos\u00e9 张三');
    assertError(
      await broker.admin.post('/api/v1/accounts', { username: 'CLERK901', displayName: 'x', password: 'clerk-pass-1', roles: ['clerk'] }),
      409,
      'CONFLICT',
    );
  });

  it("codes of sites, departments and a site's windows are unique whatever their case", async () => {
    const code = `T${Date.now().toString(36)}`;
    const site = await f.site({ code: code.toUpperCase() });
    assertError(
      await broker.admin.post('/api/v1/sites', { code: code.toLowerCase(), name: '镇便民服务中心', kind: 'town', parentId: site.id }),
      409,
      'CONFLICT',
    );
    await f.department({ code: `${code}-TAX`.toUpperCase() });
    assertError(await broker.admin.post('/api/v1/departments', { code: `${code}-tax`.toLowerCase(), name: '税务' }), 409, 'CONFLICT');
    const other = await f.site({ kind: 'town', parentId: site.id });
    await f.window(site.id, { code: 'A-001' });
    assertError(await broker.admin.post('/api/v1/windows', { siteId: site.id, code: 'a-001' }), 409, 'CONFLICT');
    assert.equal((await broker.admin.post('/api/v1/windows', { siteId: other.id, code: 'a-001' })).status, 201, 'another site may use the code');
  });

  for (const [what, name] of Object.entries(UNSAFE)) {
    it(`a name with ${what} is refused in every name field, and nothing is stored`, async () => {
      const site = await f.site();
      const counts = async () =>
        Promise.all(['sites', 'accounts', 'windows', 'departments'].map(async (r) => (await broker.admin.get(`/api/v1/${r}?pageSize=1`)).body.total));
      const before = await counts();
      assertUnsafeName(
        await broker.admin.post('/api/v1/accounts', { username: `u${Date.now()}`, displayName: name, password: 'clerk-pass-1', roles: ['clerk'] }),
        'displayName',
      );
      assertUnsafeName(
        await broker.admin.post('/api/v1/accounts', { username: name, displayName: 'x', password: 'clerk-pass-1', roles: ['clerk'] }),
        'username',
      );
      assertUnsafeName(await broker.admin.post('/api/v1/sites', { code: `S${Date.now()}`, name, kind: 'town', parentId: site.id }), 'name');
      assertUnsafeName(await broker.admin.post('/api/v1/departments', { code: `D${Date.now()}`, name }), 'name');
      assertUnsafeName(await broker.admin.post('/api/v1/windows', { siteId: site.id, code: `W${Date.now()}`, label: name }), 'label');
      assertUnsafeName(await broker.admin.patch(`/api/v1/sites/${site.id}`, { name }), 'name');
      assert.deepEqual(await counts(), before);
      assert.equal((await broker.admin.get(`/api/v1/sites/${site.id}`)).body.name, site.name);
    });
  }
});
