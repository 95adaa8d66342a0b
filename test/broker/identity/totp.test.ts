import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { ApiClient, assertError } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/** Issue 18: TOTP for console users, on the injected clock (runs on SQLite and PostgreSQL). */
describe('TOTP for console users', function () {
  this.timeout(60_000);
  const clock = new ManualClock();
  let broker: TestBroker;
  let f: Factory;

  before(async () => {
    broker = await startTestBroker({ clock });
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  const codeAt = (secret: string, ms: number) => new TOTP({ secret: Secret.fromBase32(secret), period: 30 }).generate({ timestamp: ms });

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
    assert.equal((await login()).status, 200, 'after the reset the password alone signs in until the account enrolls again');
  });

  it('a town site-admin cannot reset the TOTP of a county admin', async () => {
    const town = await f.site();
    await f.account({ roles: ['site-admin'], homeSiteId: town.id, username: 'townadm-totp', password: 'Town-admin-pass-1' });
    const townAdmin = new ApiClient(broker.url);
    assert.equal((await townAdmin.post('/api/v1/auth/login', { username: 'townadm-totp', password: 'Town-admin-pass-1' })).status, 200);
    const adminId = (await broker.admin.get('/api/v1/auth/me')).body.account.id;
    const res = await townAdmin.request('POST', `/api/v1/accounts/${adminId}/totp/reset`);
    assert.ok(res.status === 404 || res.status === 403, JSON.stringify(res.body));
    assert.equal(await AuditEvent.count({ where: { action: 'account.totp.reset', targetId: adminId } }), 0);
  });
});
