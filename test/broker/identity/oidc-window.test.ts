import assert from 'node:assert/strict';
import { Account } from '../../../broker/src/accounts/account.model.js';
import { DesktopSession } from '../../../broker/src/sessions/session.model.js';
import { Factory } from '../../helpers/factories.js';
import { startTestProvider, type TestProvider } from '../../helpers/oidc-provider.js';
import { RedirectBrowser } from '../../helpers/redirect-browser.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/**
 * Issue 18: the clerk signs in at the window page through a real OpenID provider (oidc-provider on
 * port 0): the terminal starts the code + PKCE flow, the page comes back with a one-time ticket
 * that only that terminal can redeem for a desktop (SQLite and PostgreSQL).
 */
describe('OpenID Connect sign-in at the window', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let provider: TestProvider;
  let f: Factory;
  let hall: Awaited<ReturnType<Factory['hall']>>;
  let sourceId: string;

  before(async () => {
    broker = await startTestBroker();
    provider = await startTestProvider(`${broker.url}/api/v1/auth/oidc/callback`);
    f = new Factory(broker.admin);
    hall = await f.hall({ desktops: 1 });
    const source = await broker.admin.create('/api/v1/identity-sources/oidc', {
      name: '省统一身份认证平台',
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      redirectUri: `${broker.url}/api/v1/auth/oidc/callback`,
      claimMappings: [{ claim: 'groups', value: 'hall-clerks', departmentIds: [hall.department.id], roles: ['clerk'] }],
    });
    sourceId = source.id;
  });
  after(async () => {
    await provider?.close();
    await broker?.stop();
  });

  /** the terminal starts, the browser goes round the provider and stops at the window page with its ticket */
  const signInAt = async (seat: Awaited<ReturnType<Factory['windowWithTerminal']>>) => {
    const start = await seat.client.post('/api/v1/terminal/oidc/start', { sourceId });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const end = await new RedirectBrowser().open(start.body.authorizationUrl, (u) => u.pathname === '/terminal');
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    const ticket = new URLSearchParams(end.url.hash.slice(1)).get('oidcTicket');
    assert.ok(ticket, end.url.href);
    return ticket;
  };

  it('a clerk of the platform gets a desktop at the window; the ticket is used once', async () => {
    provider.signInAs({ sub: '2001', preferred_username: 'wangfang', name: '王芳', groups: ['hall-clerks'] });
    const seat = await f.windowWithTerminal(hall.site.id);
    const ticket = await signInAt(seat);
    const login = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(login.status, 201, JSON.stringify(login.body));
    assert.equal(login.body.session.poolId, hall.pool.id);
    assert.match(login.body.tunnel.token, /\S{20,}/);
    const again = await seat.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(again.body.error.code, 'OIDC_STATE_INVALID');
    const clerk = await Account.findOne({ where: { externalDn: '2001' } });
    assert.equal(clerk?.username, 'wangfang', 'the account was made just in time');
    assert.equal((await DesktopSession.findByPk(login.body.session.id))?.accountId, clerk.id);
  });

  it("another terminal cannot redeem a window's ticket", async () => {
    provider.signInAs({ sub: '2002', preferred_username: 'liqiang', name: '李强', groups: ['hall-clerks'] });
    const seat = await f.windowWithTerminal(hall.site.id);
    const other = await f.windowWithTerminal(hall.site.id);
    const ticket = await signInAt(seat);
    const stolen = await other.client.post('/api/v1/terminal/sessions/oidc', { ticket });
    assert.equal(stolen.status, 400, JSON.stringify(stolen.body));
    assert.equal(stolen.body.error.code, 'OIDC_STATE_INVALID');
  });

  it('the window page offers the providers of its own site only; a refused sign-in comes back to the window page', async () => {
    const town = await f.site({ name: '城关镇便民服务中心', kind: 'town' });
    const townOnly = await broker.admin.create('/api/v1/identity-sources/oidc', {
      name: '城关镇扫码登录',
      siteId: town.id,
      issuer: provider.issuer,
      clientId: provider.clientId,
      redirectUri: `${broker.url}/api/v1/auth/oidc/callback`,
      claimMappings: [{ claim: 'groups', value: 'town-clerks' }],
    });
    const county = await f.windowWithTerminal(hall.site.id);
    const atCounty = await county.client.get('/api/v1/terminal/oidc/sources');
    assert.deepEqual(
      atCounty.body.items.map((s: { id: string }) => s.id),
      [sourceId],
    );
    const atTown = await (await f.windowWithTerminal(town.id)).client.get('/api/v1/terminal/oidc/sources');
    assert.deepEqual(atTown.body.items.map((s: { id: string }) => s.id).sort(), [sourceId, townOnly.id].sort());

    provider.signInAs({ sub: '2003', preferred_username: 'zhoujie', name: '周杰', groups: ['canteen'] });
    const start = await county.client.post('/api/v1/terminal/oidc/start', { sourceId });
    const end = await new RedirectBrowser().open(start.body.authorizationUrl, (u) => u.pathname === '/terminal');
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(new URLSearchParams(end.url.hash.slice(1)).get('oidcError'), 'OIDC_NOT_MAPPED');
  });

  it('a clerk of two departments chooses a desktop: the choice comes with a new ticket, the used one stays used', async () => {
    const tax = await f.department({ name: '税务局' });
    const taxPool = await f.pool(tax.id, hall.site.id, [hall.gateway.id]);
    await f.desktop(taxPool.id);
    await broker.admin.patch(`/api/v1/identity-sources/oidc/${sourceId}`, {
      claimMappings: [
        { claim: 'groups', value: 'hall-clerks', departmentIds: [hall.department.id], roles: ['clerk'] },
        { claim: 'groups', value: 'tax-front', departmentIds: [tax.id], roles: ['clerk'] },
      ],
    });
    provider.signInAs({ sub: '2004', preferred_username: 'sunli', name: '孙丽', groups: ['hall-clerks', 'tax-front'] });
    const seat = await f.windowWithTerminal(hall.site.id);
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
  });
});
