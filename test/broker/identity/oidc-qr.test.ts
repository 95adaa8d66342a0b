import assert from 'node:assert/strict';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { QR_MS } from '../../../broker/src/identity/oidc-qr.js';
import { assertError } from '../../helpers/api-client.js';
import { whileAuditFails, whileInsertsFail } from '../../helpers/audit-fault.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { RedirectBrowser } from '../../helpers/redirect-browser.js';
import { assertPhonePage, issueQr, pollQr, startOidcKit, type OidcKit, type Seat } from './oidc-test-kit.js';

/**
 * Issue 18, 扫码登录: the window page shows a QR code of a short broker URL; a phone (an HTTP client
 * following redirects) opens it, signs in at a real OpenID provider (oidc-provider on port 0) with
 * code + PKCE, and reads a Chinese page; the window polls with its terminal credential and gets the
 * one-time ticket of the button flow, once. Expiry on the injected clock.
 */
describe('扫码登录 (QR sign-in) at the window', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.now());
  let kit: OidcKit;
  const atProvider = (u: URL) => u.origin === new URL(kit.provider.issuer).origin;
  const atCallback = (u: URL) => u.pathname === '/api/v1/auth/oidc/callback';

  before(async () => {
    kit = await startOidcKit({ clock, desktops: 2 });
  });
  after(async () => {
    await kit?.close();
  });

  const qrOf = (seat: Seat) => issueQr(seat.client, kit.sourceId);
  const poll = (seat: Seat, id: string) => pollQr(seat.client, id);

  it('is offered only by a provider marked for it', async () => {
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const sources = await seat.client.get('/api/v1/terminal/oidc/sources');
    assert.deepEqual(sources.body.items, [{ id: kit.sourceId, name: '省统一身份认证平台', qr: false }]);
    assertError(await seat.client.post('/api/v1/terminal/oidc/qr', { sourceId: kit.sourceId }), 403, 'OIDC_QR_NOT_ALLOWED');
    const patched = await kit.broker.admin.patch(`/api/v1/identity-sources/oidc/${kit.sourceId}`, { allowQr: true });
    assert.equal(patched.body.allowQr, true);
    assert.equal((await seat.client.get('/api/v1/terminal/oidc/sources')).body.items[0].qr, true);
  });

  it('the phone signs in; the window gets its ticket once and logs the clerk in; another terminal gets 404', async () => {
    kit.provider.signInAs({ sub: '3001', preferred_username: 'qianyu', name: '钱雨', groups: ['hall-clerks'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const other = await kit.f.windowWithTerminal(kit.hall.site.id);
    const qr = await qrOf(seat);
    assert.equal(qr.url, `${kit.broker.url}/api/v1/oidc/qr/${qr.id}`);
    assert.ok(Buffer.from(qr.id, 'base64url').length >= 16, 'at least 128 random bits');
    assert.equal(Date.parse(qr.expiresAt), clock.now() + QR_MS);
    assert.match(qr.qrDataUrl, /^data:image\/png;base64,/);
    assert.equal((await poll(seat, qr.id)).body.state, 'waiting');

    const phone = new RedirectBrowser();
    const toProvider = await phone.open(qr.url, atProvider);
    assert.equal(toProvider.stopped, true, `${toProvider.status} ${toProvider.body}`);
    assert.equal(toProvider.url.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(toProvider.url.searchParams.get('state') && toProvider.url.searchParams.get('nonce'));
    assert.equal((await poll(seat, qr.id)).body.state, 'scanned');
    assertPhonePage(await new RedirectBrowser().open(qr.url), 409, /OIDC_QR_USED/);

    const done = await phone.open(toProvider.url.href);
    assertPhonePage(done, 200, /已登录，请回到窗口/);
    assertError(await poll(other, qr.id), 404, 'NOT_FOUND');
    const signedIn = await poll(seat, qr.id);
    assert.equal(signedIn.body.state, 'signed-in', JSON.stringify(signedIn.body));
    assertError(await poll(seat, qr.id), 404, 'NOT_FOUND');

    const login = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket: signedIn.body.ticket });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    assert.equal(login.body.username, 'qianyu');
    assert.equal(login.body.session.poolId, kit.hall.pool.id);
    const audit = await AuditEvent.findOne({ where: { action: 'auth.oidc.window' }, order: [['id', 'DESC']] });
    assert.deepEqual(audit?.details, { channel: 'qr', terminalId: seat.terminal.id, windowId: seat.window.id, oidcSourceId: kit.sourceId });
    assert.deepEqual([audit.actorName, audit.siteId], ['qianyu', kit.hall.site.id]);
  });

  it('the code, its audit event and the ticket go together: an audit the database refuses leaves the code for the next poll', async () => {
    kit.provider.signInAs({ sub: '3004', preferred_username: 'jiangtao', name: '蒋涛', groups: ['hall-clerks'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const qr = await qrOf(seat);
    assertPhonePage(await new RedirectBrowser().open(qr.url), 200, /已登录，请回到窗口/);
    const failed = await whileAuditFails(kit.broker.sequelize, 'auth.oidc.window', () => poll(seat, qr.id));
    // the database's refusal as the error handler renders it (SQLite's abort reads as a conflict)
    assert.equal(failed.body.error.code, failed.status === 409 ? 'CONFLICT' : 'INTERNAL', `${failed.status} ${JSON.stringify(failed.body)}`);
    const signedIn = await poll(seat, qr.id);
    assert.equal(signedIn.body.state, 'signed-in', JSON.stringify(signedIn.body));
    const events = (await AuditEvent.findAll({ where: { action: 'auth.oidc.window' } })).filter((e) => e.details?.terminalId === seat.terminal.id);
    assert.equal(events.length, 1);
    const login = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket: signedIn.body.ticket });
    assert.equal(login.status, 201, JSON.stringify(login.body));
  });

  it('a scan the database refuses is a Chinese page on the phone, not a JSON body; the code can be scanned again', async () => {
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const qr = await qrOf(seat);
    const refused = await whileInsertsFail(kit.broker.sequelize, 'oidc_logins', () => new RedirectBrowser().open(qr.url));
    assertPhonePage(refused, 500, /系统内部错误/);
    assert.equal((await poll(seat, qr.id)).body.state, 'waiting');
    const again = await new RedirectBrowser().open(qr.url, atProvider);
    assert.equal(again.stopped, true, `${again.status} ${again.body}`);
    assert.equal((await poll(seat, qr.id)).body.state, 'scanned');
  });

  it('an expired code answers OIDC_QR_EXPIRED to the window and a Chinese page to the phone', async () => {
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const qr = await qrOf(seat);
    clock.advance(QR_MS - 1);
    assert.equal((await poll(seat, qr.id)).body.state, 'waiting');
    clock.advance(1);
    assertError(await poll(seat, qr.id), 410, 'OIDC_QR_EXPIRED');
    assertPhonePage(await new RedirectBrowser().open(qr.url), 410, /二维码已过期/);
    assertPhonePage(await new RedirectBrowser().open(`${kit.broker.url}/api/v1/oidc/qr/not-an-id`), 410, /OIDC_QR_EXPIRED/);
    const fresh = await qrOf(seat);
    assert.notEqual(fresh.id, qr.id);
    assert.equal((await poll(seat, fresh.id)).body.state, 'waiting');
  });

  it('a tampered state, or the code itself as a state, is refused; the real callback still signs in', async () => {
    kit.provider.signInAs({ sub: '3002', preferred_username: 'sunhao', name: '孙浩', groups: ['hall-clerks'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const qr = await qrOf(seat);
    const phone = new RedirectBrowser();
    const back = await phone.open(qr.url, atCallback);
    assert.equal(back.stopped, true, `${back.status} ${back.body}`);
    for (const state of ['not-the-state-we-sent', qr.id]) {
      const tampered = new URL(back.url);
      tampered.searchParams.set('state', state);
      // an unknown state cannot say it was a phone's: the console's sign-in page says why
      const refused = await phone.open(tampered.href, () => true);
      assert.equal(refused.url.hash, '#oidcError=OIDC_STATE_INVALID');
    }
    assert.equal((await poll(seat, qr.id)).body.state, 'scanned');
    assertPhonePage(await phone.open(back.url.href), 200, /已登录，请回到窗口/);
    // used once: the state is then unknown like a made-up one
    assert.equal((await phone.open(back.url.href, () => true)).url.hash, '#oidcError=OIDC_STATE_INVALID');
    assert.equal((await poll(seat, qr.id)).body.state, 'signed-in');
  });

  it("a refusal at the callback is the phone's Chinese page; the window keeps waiting for a fresh code", async () => {
    kit.provider.signInAs({ sub: '3003', preferred_username: 'zhoumin', name: '周敏', groups: ['canteen'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const qr = await qrOf(seat);
    assertPhonePage(await new RedirectBrowser().open(qr.url), 403, /未获授权使用云桌/);
    assert.equal((await poll(seat, qr.id)).body.state, 'scanned');
    const refused = await AuditEvent.findOne({ where: { action: 'auth.oidc.refused' }, order: [['id', 'DESC']] });
    assert.deepEqual(
      { code: refused?.details?.code, channel: refused?.details?.channel, terminalId: refused?.details?.terminalId, siteId: refused?.siteId },
      { code: 'OIDC_NOT_MAPPED', channel: 'qr', terminalId: seat.terminal.id, siteId: kit.hall.site.id },
    );
  });
});
