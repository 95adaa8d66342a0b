import assert from 'node:assert/strict';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/**
 * Issue 17, item 8: what the accounts page must know and do. A clerk's window login counts as
 * 最近登录; a clerk held after wrong passwords shows as held, with the time left, and an admin lets
 * it in again (audited); a console user changes their own password; a password someone else chose
 * must be replaced before the user may change anything.
 */
describe('accounts: last login, lockout and unlock, password change (issue 17)', () => {
  let broker: TestBroker;
  let f: Factory;
  before(async () => {
    broker = await startTestBroker();
    f = new Factory(broker.admin);
  });
  after(async () => broker?.stop());

  const audits = async (action: string) =>
    (await broker.admin.get(`/api/v1/audit-events?action=${action}&pageSize=50`)).body.items as Array<{
      targetId: string;
      details: Record<string, unknown> | null;
    }>;

  it('a clerk held after five wrong passwords at a window is listed with the time left, and an unlock lets them in', async () => {
    const { site, department, pool } = await f.hall({ desktops: 1 });
    const clerk = await f.account({ homeSiteId: site.id, departmentIds: [department.id], poolIds: [pool.id] });
    const { client } = await f.windowWithTerminal(site.id);
    assert.equal((await broker.admin.get(`/api/v1/accounts/${clerk.id}`)).body.lastLoginAt, null);
    for (let i = 0; i < 5; i++)
      assertError(await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: `guess-${i}` }), 401, 'INVALID_CREDENTIALS');
    const held = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assertError(held, 429, 'TOO_MANY_ATTEMPTS');
    assert.match(held.body.error.message, /^登录失败次数过多，请 15 分钟后再试/);

    const lockouts = (await broker.admin.get('/api/v1/account-lockouts')).body.items as Array<{ accountId: string; retryAfterSeconds: number }>;
    const mine = lockouts.find((l) => l.accountId === clerk.id);
    assert.ok(mine && mine.retryAfterSeconds > 840 && mine.retryAfterSeconds <= 900, JSON.stringify(lockouts));

    const unlocked = await broker.admin.post(`/api/v1/accounts/${clerk.id}/unlock`, {});
    assert.equal(unlocked.status, 200, JSON.stringify(unlocked.body));
    assert.equal(
      (await broker.admin.get('/api/v1/account-lockouts')).body.items.some((l: { accountId: string }) => l.accountId === clerk.id),
      false,
    );
    const audit = (await audits('account.unlock')).find((a) => a.targetId === clerk.id);
    assert.ok(audit, 'the unlock is audited');
    assert.ok(Number(audit.details?.retryAfterSeconds) > 840);

    const login = await client.post('/api/v1/terminal/sessions', { username: clerk.username, password: 'clerk-pass-1' });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    const after = (await broker.admin.get(`/api/v1/accounts/${clerk.id}`)).body;
    assert.ok(after.lastLoginAt && Date.parse(after.lastLoginAt) > Date.parse(clerk.createdAt) - 1000, 'the window login is the last login');
  });

  it('a town admin cannot unlock an account of the county', async () => {
    const town = await f.site({ kind: 'town' });
    await f.account({ username: 'town-unlocker', homeSiteId: town.id, roles: ['site-admin'], password: 'Town-pass-2026' });
    const townAdmin = new ApiClient(broker.url);
    assert.equal((await townAdmin.login('town-unlocker', 'Town-pass-2026')).status, 200);
    const countyClerk = await f.account();
    assertError(await townAdmin.post(`/api/v1/accounts/${countyClerk.id}/unlock`, {}), 404, 'NOT_FOUND');
  });

  it('修改密码: a wrong current password names the field; the right one changes it, audited', async () => {
    const user = await f.account({ username: 'pw-owner', roles: ['auditor'], password: 'Owner-pass-2026' });
    const client = new ApiClient(broker.url);
    assert.equal((await client.login('pw-owner', 'Owner-pass-2026')).status, 200);
    const wrong = await client.post('/api/v1/auth/password', { currentPassword: 'not-it-2026', newPassword: 'Owner-pass-2027' });
    assertError(wrong, 400, 'VALIDATION_FAILED');
    assert.deepEqual(
      wrong.body.error.details.issues.map((i: { path: string; message: string }) => [i.path, i.message]),
      [['body.currentPassword', '当前密码不正确']],
    );
    assert.equal(
      (await client.post('/api/v1/auth/password', { currentPassword: 'Owner-pass-2026', newPassword: 'Owner-pass-2026' })).body.error.details.issues[0].message,
      '新密码不能与当前密码相同',
    );
    assert.equal((await client.post('/api/v1/auth/password', { currentPassword: 'Owner-pass-2026', newPassword: 'Owner-pass-2027' })).status, 204);
    assert.equal((await new ApiClient(broker.url).login('pw-owner', 'Owner-pass-2026')).status, 401);
    assert.equal((await new ApiClient(broker.url).login('pw-owner', 'Owner-pass-2027')).status, 200);
    assert.ok((await audits('account.password-change')).some((a) => a.targetId === user.id));
  });

  it('an initial password someone else chose: reads work, writes wait for the owner to change it', async () => {
    const site = await f.site();
    await f.account({ username: 'new-admin', roles: ['site-admin'], homeSiteId: site.id, password: 'Initial-pass-1', mustChangePassword: true });
    const client = new ApiClient(broker.url);
    const signIn = await client.login('new-admin', 'Initial-pass-1');
    assert.equal(signIn.body.account.mustChangePassword, true);
    assert.equal((await client.get('/api/v1/windows')).status, 200);
    assertError(await client.post('/api/v1/windows', { siteId: site.id, code: 'A-001' }), 403, 'PASSWORD_CHANGE_REQUIRED');
    assert.equal((await client.post('/api/v1/auth/password', { currentPassword: 'Initial-pass-1', newPassword: 'Own-choice-2026' })).status, 204);
    assert.equal((await client.get('/api/v1/auth/me')).body.account.mustChangePassword, false);
    assert.equal((await client.post('/api/v1/windows', { siteId: site.id, code: 'A-001' })).status, 201);
  });
});
