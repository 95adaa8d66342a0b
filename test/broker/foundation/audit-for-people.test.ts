import assert from 'node:assert/strict';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

type Event = {
  action: string;
  actionName: string;
  actorLabel: string | null;
  targetLabel: string | null;
  address: string | null;
  before: unknown;
  after: unknown;
};

/** Issue 17 item 5: the audit log names actions in Chinese, people and rows by name, and finds them by words. */
describe('audit log for people', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let windowCode = '';
  let terminalName = '';

  const events = async (query: string): Promise<Event[]> => {
    const res = await broker.admin.get(`/api/v1/audit-events?pageSize=200&${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items;
  };

  before(async () => {
    broker = await startTestBroker();
    const f = new Factory(broker.admin);
    const hall = await f.hall({ desktops: 1 });
    await f.account({ username: 'lina01', displayName: '李娜', departmentIds: [hall.department.id], homeSiteId: hall.site.id });
    const seat = await f.windowWithTerminal(hall.site.id, { code: 'B-017' });
    windowCode = seat.window.code;
    terminalName = seat.terminal.name;
    assert.equal((await seat.client.post('/api/v1/terminal/sessions', { username: 'nobody', password: 'wrong-pass-1' })).status, 401);
    const login = await seat.client.post('/api/v1/terminal/sessions', { username: 'lina01', password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const invitation = await seat.client.post('/api/v1/terminal/rating-invitations', { sessionId: login.body.session.id });
    assert.equal(
      (await seat.client.post('/api/v1/terminal/ratings', { invitationId: invitation.body.id, level: 5, tagSetVersion: invitation.body.tagSet.version }))
        .status,
      201,
    );
    assert.equal((await broker.admin.patch(`/api/v1/windows/${seat.window.id}`, { label: '不动产综合窗口' })).status, 200);
  });
  after(() => broker.stop());

  it("a clerk's login names the clerk, the address and the window, not 系统", async () => {
    const [login] = await events('action=session.requested');
    assert.equal(login?.actionName, '窗口人员登录');
    assert.equal(login?.actorLabel, '李娜（lina01）');
    assert.match(login?.address ?? '', /127\.0\.0\.1/);
    assert.equal(login?.targetLabel, `李娜（lina01） @ 窗口 ${windowCode}`);
  });

  it('a refused login names the login as typed, with its address', async () => {
    const [refused] = await events('action=login.refused');
    assert.equal(refused?.actionName, '窗口登录被拒绝');
    assert.equal(refused?.actorLabel, 'nobody');
    assert.match(refused?.address ?? '', /127\.0\.0\.1/);
  });

  it('a rating is 群众评价 by the terminal at its window, not terminal:<uuid>', async () => {
    const [rating] = await events('action=rating.create');
    assert.equal(rating?.actionName, '群众评价');
    assert.equal(rating?.actorLabel, `${terminalName}（窗口 ${windowCode}）`);
  });

  it('a change keeps its before and after and is named 「窗口 · 修改」', async () => {
    const [change] = await events('action=window.update');
    assert.equal(change?.actionName, '窗口 · 修改');
    assert.equal(change?.targetLabel, windowCode);
    assert.deepEqual([(change?.before as { label: unknown }).label, (change?.after as { label: unknown }).label], [null, '不动产综合窗口']);
  });

  it('finds events by Chinese words, by a person, by a window and still by the code', async () => {
    const actions = async (q: string) => new Set((await events(`q=${encodeURIComponent(q)}`)).map((e) => e.action));
    assert.deepEqual(await actions('评价'), new Set(['rating.create']));
    assert.ok((await actions('李娜')).has('session.requested'));
    const atWindow = await actions(windowCode);
    for (const a of ['rating.create', 'window.update', 'window.create']) assert.ok(atWindow.has(a), `${a} found by the window code`);
    assert.deepEqual(await actions('login.refused'), new Set(['login.refused']));
    assert.equal((await events('q=%E6%97%A0%E6%AD%A4%E8%AF%8D')).length, 0, '「无此词」 finds nothing');
  });
});
