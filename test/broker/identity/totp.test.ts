import assert from 'node:assert/strict';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { ADMIN_PASSWORD, startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { totpCodeAt as codeAt, enrollTotp } from '../../helpers/totp.js';

/** Issue 18: TOTP for console users, the default policy (admins and site-admins), on the injected clock (SQLite and PostgreSQL). */
describe('TOTP for console users', function () {
  this.timeout(60_000);
  const clock = new ManualClock();
  let broker: TestBroker;
  let f: Factory;

  before(async () => {
    broker = await startTestBroker({ clock, env: { YUNZHUO_TOTP_REQUIRED_ROLES: 'admin,site-admin' } });
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  it('an admin without TOTP gets a session that can only enroll; the confirmed code lifts it', async () => {
    const site = await f.site();
    const user = await f.account({ roles: ['admin'], homeSiteId: site.id, password: 'New-admin-pass-1' });
    const me = new ApiClient(broker.url);
    const login = await me.login(user.username, 'New-admin-pass-1');
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.restriction, 'TOTP_ENROLLMENT_REQUIRED');
    const refused = await me.get('/api/v1/sites');
    assertError(refused, 403, 'TOTP_ENROLLMENT_REQUIRED');
    assert.match(refused.body.error.message, /手机令牌/);
    assertError(await me.post('/api/v1/sites', { name: '不该建成的站点' }), 403, 'TOTP_ENROLLMENT_REQUIRED');
    const who = await me.get('/api/v1/auth/me');
    assert.equal(who.status, 200);
    assert.equal(who.body.restriction, 'TOTP_ENROLLMENT_REQUIRED');
    const audit = await AuditEvent.findOne({ where: { action: 'auth.login', targetId: user.id } });
    assert.deepEqual(audit?.details, { restriction: 'TOTP_ENROLLMENT_REQUIRED' });

    const enroll = await me.post('/api/v1/auth/totp/enroll', {});
    assert.equal(enroll.status, 200);
    assert.equal((await me.post('/api/v1/auth/totp/confirm', { code: codeAt(enroll.body.secret, clock.now()) })).status, 200);
    assert.equal((await me.get('/api/v1/sites')).status, 200, 'the session that enrolled is a full one now');
    assert.equal((await me.get('/api/v1/auth/me')).body.restriction, null);
  });

  it('an admin whose password someone else chose (as at the first start) can both replace it and enroll, in either order', async () => {
    const site = await f.site();
    for (const passwordFirst of [true, false]) {
      const user = await f.account({ roles: ['admin'], homeSiteId: site.id, password: 'Initial-pass-1', mustChangePassword: true });
      const me = new ApiClient(broker.url);
      const login = await me.login(user.username, 'Initial-pass-1');
      assert.equal(login.body.restriction, 'TOTP_ENROLLMENT_REQUIRED');
      assert.equal(login.body.account.mustChangePassword, true);
      const changePassword = async () => {
        const changed = await me.post('/api/v1/auth/password', { currentPassword: 'Initial-pass-1', newPassword: 'Own-choice-2026' });
        assert.equal(changed.status, 204, JSON.stringify(changed.body));
      };
      if (passwordFirst) await changePassword();
      await enrollTotp(me, clock);
      if (!passwordFirst) {
        assertError(await me.post('/api/v1/sites', { code: 'TOTP-X', name: '还不能建的站点', kind: 'town' }), 403, 'PASSWORD_CHANGE_REQUIRED');
        await changePassword();
      }
      const created = await me.post('/api/v1/sites', {
        code: `TOTP-${passwordFirst ? 'A' : 'B'}`,
        name: `自己的站点${passwordFirst ? '甲' : '乙'}`,
        kind: 'town',
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
  });

  it('the admin of the test helpers enrolled; a new admin sign-in needs a code', async () => {
    assert.ok(broker.adminTotpSecret);
    assertError(await new ApiClient(broker.url).login('admin', ADMIN_PASSWORD), 401, 'TOTP_REQUIRED');
    clock.advance(30_000);
    const res = await new ApiClient(broker.url).post('/api/v1/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
      totpCode: codeAt(broker.adminTotpSecret, clock.now()),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.restriction, null);
  });

  it('an auditor, whose role the policy leaves out, signs in by password alone', async () => {
    const user = await f.account({ roles: ['auditor'], password: 'Auditor-pass-1' });
    const login = await new ApiClient(broker.url).login(user.username, 'Auditor-pass-1');
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.restriction, null);
    assert.deepEqual(login.body.totp, { enabled: false, required: false });
  });

  it('enrolls with a QR code, then asks for a code at sign-in; a used code, a wrong one and a used recovery code are refused; an admin reset is audited', async () => {
    const site = await f.site();
    const user = await f.account({ roles: ['site-admin'], homeSiteId: site.id, password: 'Site-admin-pass-1' });
    const me = new ApiClient(broker.url);
    const first = await me.login(user.username, 'Site-admin-pass-1');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.totp, { enabled: false, required: true }, 'a site-admin is asked to enroll');

    const enroll = await me.post('/api/v1/auth/totp/enroll', {});
    assert.equal(enroll.status, 200, JSON.stringify(enroll.body));
    assert.match(enroll.body.otpauthUrl, /^otpauth:\/\/totp\//);
    assert.match(enroll.body.qrDataUrl, /^data:image\/png;base64,/);
    const secret: string = enroll.body.secret;
    assertError(
      await me.post('/api/v1/auth/totp/confirm', { code: String((Number(codeAt(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0') }),
      401,
      'TOTP_INVALID',
    );
    const confirm = await me.post('/api/v1/auth/totp/confirm', { code: codeAt(secret, clock.now()) });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    const recovery: string[] = confirm.body.recoveryCodes;
    assert.equal(recovery.length, 10);
    const [stored] = await broker.sequelize.query('SELECT code_hash, used_at FROM account_recovery_codes');
    assert.ok(
      (stored as Array<{ code_hash: string }>).every((r) => !recovery.some((c) => r.code_hash.includes(c.replace('-', '')))),
      'recovery codes are stored hashed',
    );

    const login = (totpCode?: string) =>
      new ApiClient(broker.url).post('/api/v1/auth/login', { username: user.username, password: 'Site-admin-pass-1', ...(totpCode ? { totpCode } : {}) });
    const noCode = await login();
    assertError(noCode, 401, 'TOTP_REQUIRED');
    assert.match(noCode.body.error.message, /动态口令/);
    // the code used to confirm is spent: the next one comes 30 s later
    assertError(await login(codeAt(secret, clock.now())), 401, 'TOTP_INVALID');
    clock.advance(30_000);
    const fresh = codeAt(secret, clock.now());
    const withCode = await login(fresh);
    assert.equal(withCode.status, 200, JSON.stringify(withCode.body));
    assert.equal(withCode.body.totp.enabled, true);
    const replay = await login(fresh);
    assertError(replay, 401, 'TOTP_INVALID');
    assert.match(replay.body.error.message, /已使用/);

    assert.equal((await login(recovery[3])).status, 200);
    assertError(await login(recovery[3]), 401, 'TOTP_INVALID');

    assert.equal((await broker.admin.request('POST', `/api/v1/accounts/${user.id}/totp/reset`)).status, 204);
    const reset = await AuditEvent.findOne({ where: { action: 'account.totp.reset', targetId: user.id } });
    assert.equal(reset?.actorName, 'admin');
    const afterReset = await login();
    assert.equal(afterReset.status, 200, JSON.stringify(afterReset.body));
    assert.equal(afterReset.body.restriction, 'TOTP_ENROLLMENT_REQUIRED', 'after the reset the password opens only a new enrollment');
  });

  it('a town site-admin cannot reset the TOTP of a county admin', async () => {
    const town = await f.site();
    await f.account({ roles: ['site-admin'], homeSiteId: town.id, username: 'townadm-totp', password: 'Town-admin-pass-1' });
    const townAdmin = new ApiClient(broker.url);
    assert.equal((await townAdmin.login('townadm-totp', 'Town-admin-pass-1')).status, 200);
    await enrollTotp(townAdmin, clock);
    const adminId = (await broker.admin.get('/api/v1/auth/me')).body.account.id;
    const res = await townAdmin.request('POST', `/api/v1/accounts/${adminId}/totp/reset`);
    assert.ok(res.status === 404 || (res.status === 403 && res.body.error.code === 'FORBIDDEN'), JSON.stringify(res.body));
    assert.equal(await AuditEvent.count({ where: { action: 'account.totp.reset', targetId: adminId } }), 0);
  });
});
