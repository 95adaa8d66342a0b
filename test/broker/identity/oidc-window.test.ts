import assert from 'node:assert/strict';
import { Account } from '../../../broker/src/accounts/account.model.js';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { OidcLogin } from '../../../broker/src/identity/oidc-source.model.js';
import { DesktopSession } from '../../../broker/src/sessions/session.model.js';
import { whileAuditFails } from '../../helpers/audit-fault.js';
import { RedirectBrowser } from '../../helpers/redirect-browser.js';
import { startOidcKit, windowTicket, type OidcKit, type Seat } from './oidc-test-kit.js';

/**
 * Issue 18: the clerk signs in at the window page through a real OpenID provider (oidc-provider on
 * port 0): the terminal starts the code + PKCE flow, the page comes back with a one-time ticket
 * that only that terminal can redeem for a desktop (SQLite and PostgreSQL).
 */
describe('OpenID Connect sign-in at the window', function () {
  this.timeout(60_000);
  let kit: OidcKit;

  before(async () => {
    kit = await startOidcKit({ desktops: 2 });
  });
  after(async () => {
    await kit?.close();
  });

  const signInAt = (seat: Seat) => windowTicket(seat, kit.sourceId);
  /** the audit events of `action` about `terminalId` (its details name it) */
  const eventsAt = async (action: string, terminalId: string) =>
    (await AuditEvent.findAll({ where: { action }, order: [['id', 'ASC']] })).filter((e) => e.details?.terminalId === terminalId);

  it('a clerk of the platform gets a desktop at the window; the ticket is used once', async () => {
    kit.provider.signInAs({ sub: '2001', preferred_username: 'wangfang', name: '王芳', groups: ['hall-clerks'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const ticket = await signInAt(seat);
    const login = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    assert.equal(login.body.session.poolId, kit.hall.pool.id);
    assert.match(login.body.tunnel.token, /\S{20,}/);
    const again = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(again.body.error.code, 'OIDC_STATE_INVALID');
    const clerk = await Account.findOne({ where: { externalDn: '2001' } });
    assert.equal(clerk?.username, 'wangfang', 'the account was made just in time');
    assert.equal((await DesktopSession.findByPk(login.body.session.id))?.accountId, clerk.id);
    // the sign-in is audited like a 扫码登录's: by the clerk, naming the window, its terminal and the provider, once
    const signedIn = await eventsAt('auth.oidc.window', seat.terminal.id);
    assert.equal(signedIn.length, 1);
    const [event] = signedIn;
    assert.deepEqual(
      { actorId: event!.actorId, actorName: event!.actorName, targetType: event!.targetType, targetId: event!.targetId, siteId: event!.siteId },
      { actorId: clerk.id, actorName: 'wangfang', targetType: 'account', targetId: clerk.id, siteId: kit.hall.site.id },
    );
    assert.deepEqual(event!.details, { channel: 'button', terminalId: seat.terminal.id, windowId: seat.window.id, oidcSourceId: kit.sourceId });
    assert.ok(event!.address, 'the address the window signed in from');
  });

  it("another terminal cannot redeem a window's ticket", async () => {
    kit.provider.signInAs({ sub: '2002', preferred_username: 'liqiang', name: '李强', groups: ['hall-clerks'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const other = await kit.f.windowWithTerminal(kit.hall.site.id);
    const ticket = await signInAt(seat);
    const stolen = await other.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(stolen.status, 400, JSON.stringify(stolen.body));
    assert.equal(stolen.body.error.code, 'OIDC_STATE_INVALID');
  });

  it('the window page offers the providers of its own site only; a refused sign-in comes back to the window page', async () => {
    const town = await kit.f.site({ name: '城关镇便民服务中心', kind: 'town' });
    const townOnly = await kit.broker.admin.create('/api/v1/identity-sources/oidc', {
      name: '城关镇扫码登录',
      siteId: town.id,
      issuer: kit.provider.issuer,
      clientId: kit.provider.clientId,
      redirectUri: `${kit.broker.url}/api/v1/auth/oidc/callback`,
      claimMappings: [{ claim: 'groups', value: 'town-clerks' }],
    });
    const county = await kit.f.windowWithTerminal(kit.hall.site.id);
    const atCounty = await county.client.get('/api/v1/terminal/oidc/sources');
    assert.deepEqual(
      atCounty.body.items.map((s: { id: string }) => s.id),
      [kit.sourceId],
    );
    const atTown = await (await kit.f.windowWithTerminal(town.id)).client.get('/api/v1/terminal/oidc/sources');
    assert.deepEqual(atTown.body.items.map((s: { id: string }) => s.id).sort(), [kit.sourceId, townOnly.id].sort());

    kit.provider.signInAs({ sub: '2003', preferred_username: 'zhoujie', name: '周杰', groups: ['canteen'] });
    const start = await county.client.post('/api/v1/terminal/oidc/start', { sourceId: kit.sourceId });
    const end = await new RedirectBrowser().open(start.body.authorizationUrl, (u) => u.pathname === '/terminal');
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(new URLSearchParams(end.url.hash.slice(1)).get('oidcError'), 'OIDC_NOT_MAPPED');
    const [refused, ...more] = await eventsAt('auth.oidc.refused', county.terminal.id);
    assert.equal(more.length, 0);
    assert.equal(refused?.targetId, kit.sourceId);
    assert.equal(refused.siteId, kit.hall.site.id, "on the window's site");
    assert.deepEqual(
      { code: refused.details?.code, channel: refused.details?.channel, username: refused.details?.username },
      { code: 'OIDC_NOT_MAPPED', channel: 'button', username: 'zhoujie' },
    );
    assert.deepEqual(await eventsAt('auth.oidc.window', county.terminal.id), []);
  });

  it('a terminal revoked while its clerk is at the provider gets no ticket: the refusal is audited and shown on the window page', async () => {
    kit.provider.signInAs({ sub: '2005', preferred_username: 'hemin', name: '何敏', groups: ['hall-clerks'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const start = await seat.client.post('/api/v1/terminal/oidc/start', { sourceId: kit.sourceId });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const revoked = await kit.broker.admin.post(`/api/v1/terminals/${seat.terminal.id}/revoke`, {});
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const end = await new RedirectBrowser().open(start.body.authorizationUrl, (u) => u.pathname === '/terminal');
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(end.url.hash, '#oidcError=TERMINAL_REVOKED');
    const [refused, ...more] = await eventsAt('auth.oidc.refused', seat.terminal.id);
    assert.equal(more.length, 0);
    assert.deepEqual(refused?.details, { code: 'TERMINAL_REVOKED', reason: 'the terminal is revoked', terminalId: seat.terminal.id, channel: 'button' });
    assert.deepEqual(await eventsAt('auth.oidc.window', seat.terminal.id), [], 'no sign-in audited, no ticket issued');
  });

  it('the ticket and its audit event go together: an audit the database refuses leaves no ticket', async () => {
    kit.provider.signInAs({ sub: '2006', preferred_username: 'weilan', name: '魏兰', groups: ['hall-clerks'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const start = await seat.client.post('/api/v1/terminal/oidc/start', { sourceId: kit.sourceId });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const end = await whileAuditFails(kit.broker.sequelize, 'auth.oidc.window', () =>
      new RedirectBrowser().open(start.body.authorizationUrl, (u) => u.pathname === '/terminal'),
    );
    // the window page, not a JSON body, says the sign-in failed
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(end.url.hash, '#oidcError=INTERNAL');
    assert.equal(await OidcLogin.count({ where: { terminalId: seat.terminal.id, purpose: 'ticket' } }), 0, 'no ticket without its audit event');
    assert.deepEqual(await eventsAt('auth.oidc.window', seat.terminal.id), []);
    // the clerk tries again: signed in and audited
    const ticket = await signInAt(seat);
    assert.equal((await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket })).status, 201);
    assert.equal((await eventsAt('auth.oidc.window', seat.terminal.id)).length, 1);
  });

  it('a clerk of two departments chooses a desktop: the choice comes with a new ticket, the used one stays used', async () => {
    const tax = await kit.f.department({ name: '税务局' });
    const taxPool = await kit.f.pool(tax.id, kit.hall.site.id, [kit.hall.gateway.id]);
    await kit.f.desktop(taxPool.id);
    await kit.broker.admin.patch(`/api/v1/identity-sources/oidc/${kit.sourceId}`, {
      claimMappings: [
        { claim: 'groups', value: 'hall-clerks', departmentIds: [kit.hall.department.id], roles: ['clerk'] },
        { claim: 'groups', value: 'tax-front', departmentIds: [tax.id], roles: ['clerk'] },
      ],
    });
    kit.provider.signInAs({ sub: '2004', preferred_username: 'sunli', name: '孙丽', groups: ['hall-clerks', 'tax-front'] });
    const seat = await kit.f.windowWithTerminal(kit.hall.site.id);
    const ticket = await signInAt(seat);
    const choose = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(choose.body.error.code, 'POOL_CHOICE_REQUIRED', JSON.stringify(choose.body));
    assert.equal(choose.body.error.details.pools.length, 2);
    const next = choose.body.error.details.ticket;
    assert.match(next, /\S{20,}/);
    assert.equal((await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket, poolId: taxPool.id })).body.error.code, 'OIDC_STATE_INVALID');
    const login = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket: next, poolId: taxPool.id });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    assert.equal(login.body.session.poolId, taxPool.id);
    assert.equal(login.body.username, 'sunli');
    assert.equal((await eventsAt('auth.oidc.window', seat.terminal.id)).length, 1, 'the choice is the same sign-in');
  });
});
