import assert from 'node:assert/strict';
import { assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/**
 * Issue 17, item 7: 「+ 其他部门」 at a department window reconnected the desktop already held (the
 * window narrows the choice to its own department). With the held pools left out, the clerk gets
 * the other department's desktop, a choice among several, or a plain refusal when there is none.
 */
describe('「+ 其他部门」 at a department window (issue 17)', () => {
  let broker: TestBroker;
  let f: Factory;
  before(async () => {
    broker = await startTestBroker();
    f = new Factory(broker.admin);
  });
  after(async () => broker?.stop());

  it("leaves the held pool out: the other department's desktop, a choice among several, or NO_OTHER_POOL", async () => {
    const { site, department: tax, gateway, pool: taxPool } = await f.hall({ desktops: 1 });
    const social = await f.department({ name: '社保' });
    const socialPool = await f.pool(social.id, site.id, [gateway.id]);
    await f.desktop(socialPool.id);
    const clerk = await f.account({ homeSiteId: site.id, departmentIds: [tax.id, social.id] });
    const { client } = await f.windowWithTerminal(site.id, { departmentId: tax.id });
    const login = (extra: Record<string, unknown> = {}) =>
      client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1', ...extra });

    const first = await login();
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.session.poolId, taxPool.id, 'the tax window gives the tax desktop');
    assert.equal((await login()).body.session.id, first.body.session.id, 'without the list: the same desktop again (what the button did)');

    const other = await login({ exceptPoolIds: [taxPool.id] });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    assert.equal(other.body.session.poolId, socialPool.id, 'the other department');
    assert.notEqual(other.body.session.id, first.body.session.id);

    const none = await login({ exceptPoolIds: [taxPool.id, socialPool.id] });
    assertError(none, 409, 'NO_OTHER_POOL');
    assert.match(none.body.error.message, /^该账号没有其他部门的桌面可用/);

    const land = await f.department({ name: '不动产' });
    const landPool = await f.pool(land.id, site.id, [gateway.id]);
    await broker.admin.patch(`/api/v1/accounts/${clerk.id}`, { departmentIds: [tax.id, social.id, land.id] });
    const choice = await login({ exceptPoolIds: [taxPool.id] });
    assertError(choice, 409, 'POOL_CHOICE_REQUIRED');
    assert.deepEqual(choice.body.error.details.pools.map((p: { id: string }) => p.id).sort(), [socialPool.id, landPool.id].sort());
  });
});
