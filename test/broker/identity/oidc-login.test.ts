import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { Account } from '../../../broker/src/accounts/account.model.js';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { ApiClient } from '../../helpers/api-client.js';
import { whileInsertsFail } from '../../helpers/audit-fault.js';
import { Factory } from '../../helpers/factories.js';
import { startTestProvider, type ProviderUser, type TestProvider } from '../../helpers/oidc-provider.js';
import { RedirectBrowser } from '../../helpers/redirect-browser.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';
import { enrollTotp, totpCodeAt } from '../../helpers/totp.js';

/**
 * Issue 18: console single sign-on against a real OpenID provider (oidc-provider) on port 0, the
 * whole redirect flow over HTTP with cookies: code + PKCE, state and nonce checked, claims mapped,
 * the account made just in time (SQLite and PostgreSQL).
 */
describe('OpenID Connect sign-in to the console', function () {
  this.timeout(60_000);
  let broker: TestBroker;
  let provider: TestProvider;
  let sourceId: string;
  let taxId: string;
  const clock = new ManualClock();

  before(async () => {
    broker = await startTestBroker({ clock });
    provider = await startTestProvider(`${broker.url}/api/v1/auth/oidc/callback`);
    const f = new Factory(broker.admin);
    taxId = (await f.department({ name: '税务' })).id;
    const source = await broker.admin.create('/api/v1/identity-sources/oidc', {
      name: '省统一身份认证平台',
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      redirectUri: `${broker.url}/api/v1/auth/oidc/callback`,
      claimMappings: [
        { claim: 'groups', value: 'tax-hall', departmentIds: [taxId], roles: ['auditor'] },
        { claim: 'groups', value: 'county-it', roles: ['admin'] },
      ],
    });
    assert.equal(source.hasClientSecret, true);
    assert.equal('clientSecret' in source, false, 'the client secret is never shown');
    sourceId = source.id;
  });
  after(async () => {
    await provider?.close();
    await broker?.stop();
  });

  const person = (sub: string, groups: string[]): ProviderUser => ({ sub, preferred_username: `u${sub}`, name: '张伟', groups });
  const isCallback = (u: URL) => u.pathname === '/api/v1/auth/oidc/callback';
  const startUrl = (returnTo = '/accounts') => `${broker.url}/api/v1/auth/oidc/${sourceId}/start?returnTo=${encodeURIComponent(returnTo)}`;
  /** the console client of what the browser's cookies at the broker say */
  const consoleOf = (browser: RedirectBrowser) => {
    const client = new ApiClient(broker.url);
    client.cookies = new Map(browser.cookiesOf(new URL(broker.url).origin));
    client.csrf = client.cookies.get('yz_csrf') ?? '';
    return client;
  };

  it('signs a person in with code + PKCE; the account is made at the first sign-in with the mapped department and role', async () => {
    provider.signInAs(person('1001', ['tax-hall']));
    const browser = new RedirectBrowser();
    const seen: URL[] = [];
    const end = await browser.open(startUrl(), (u) => (seen.push(u), u.origin === broker.url && u.pathname === '/accounts'));
    assert.equal(end.stopped, true, `ended at ${end.url.href} ${end.status} ${end.body}`);
    const authorize = seen.find((u) => u.origin === provider.issuer && u.searchParams.has('code_challenge'));
    assert.ok(authorize, 'the broker sent the browser to the provider');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));

    const me = await consoleOf(browser).get('/api/v1/auth/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.account.username, 'u1001');
    assert.equal(me.body.account.displayName, '张伟');
    assert.deepEqual(me.body.account.roles, ['auditor']);
    assert.deepEqual(me.body.account.departmentIds, [taxId]);
    const made = await AuditEvent.findOne({ where: { action: 'account.provision', targetId: me.body.account.id } });
    assert.equal(made?.details?.subject, '1001');
    assert.equal((await consoleOf(browser).get('/api/v1/sites')).status, 200, 'an auditor reads the console');

    // the next sign-in finds the same account by `sub` and follows the claims of the day
    provider.signInAs(person('1001', ['county-it']));
    const again = new RedirectBrowser();
    assert.equal((await again.open(startUrl(), (u) => u.origin === broker.url && u.pathname === '/accounts')).stopped, true);
    const me2 = await consoleOf(again).get('/api/v1/auth/me');
    assert.equal(me2.body.account.id, me.body.account.id);
    assert.deepEqual(me2.body.account.roles, ['admin']);
    assert.equal(await Account.count({ where: { externalDn: '1001' } }), 1);
  });

  /** where a refused sign-in sends the browser: back to its page, the code in the fragment */
  const refusalOf = (u: URL) => new URLSearchParams(u.hash.slice(1)).get('oidcError');
  const isRefusal = (u: URL) => refusalOf(u) !== null;

  it('a tampered state, a callback used twice and a wrong nonce are each refused with a redirect back to the page', async () => {
    provider.signInAs(person('1002', ['tax-hall']));
    const browser = new RedirectBrowser();
    const atCallback = await browser.open(startUrl(), isCallback);
    assert.equal(atCallback.stopped, true);
    const tampered = new URL(atCallback.url);
    tampered.searchParams.set('state', 'not-the-state-we-sent');
    const refused = await browser.open(tampered.href, isRefusal);
    assert.equal(refused.stopped, true, `${refused.status} ${refused.body}`);
    // an unknown state cannot say which page started it: the console's sign-in page
    assert.equal(refused.url.pathname, '/console/');
    assert.equal(refusalOf(refused.url), 'OIDC_STATE_INVALID');

    const good = await browser.open(atCallback.url.href, (u) => u.pathname === '/accounts');
    assert.equal(good.stopped, true, good.body);
    const replay = await new RedirectBrowser().open(atCallback.url.href, isRefusal);
    assert.equal(refusalOf(replay.url), 'OIDC_STATE_INVALID', 'the state is used once');

    // the ID token's nonce must be the one this sign-in sent
    const other = new RedirectBrowser();
    const second = await other.open(startUrl(), isCallback);
    await broker.sequelize.query("UPDATE oidc_logins SET nonce = 'a-nonce-of-another-sign-in'");
    const wrongNonce = await other.open(second.url.href, isRefusal);
    assert.equal(wrongNonce.url.pathname, '/accounts', 'back to the page that started it');
    assert.equal(refusalOf(wrongNonce.url), 'OIDC_SIGN_IN_FAILED');
    const audit = await AuditEvent.findOne({ where: { action: 'auth.oidc.refused' }, order: [['id', 'DESC']] });
    assert.match(String(audit?.details?.reason), /nonce/);
    assert.equal(other.cookiesOf(new URL(broker.url).origin).has('yz_session'), false);
  });

  /** the ID token's three parts, and the same with a new payload and/or signature */
  const parts = (jwt: string) => jwt.split('.') as [string, string, string];
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  for (const [what, change] of [
    [
      'a payload changed (another person, a group the provider never gave)',
      (jwt: string) => {
        const [header, payload, signature] = parts(jwt);
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
        return `${header}.${b64({ ...claims, sub: '1001', groups: ['county-it'] })}.${signature}`;
      },
    ],
    [
      'the same claims signed with another key under the same key id',
      (jwt: string) => {
        const [header, payload] = parts(jwt);
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'an unsigned token (alg none)',
      (jwt: string) => {
        const [, payload] = parts(jwt);
        return `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
      },
    ],
  ] as const) {
    it(`a tampered ID token is refused: ${what}`, async () => {
      provider.signInAs(person('1005', ['tax-hall']));
      provider.tamperNextIdToken(change);
      const browser = new RedirectBrowser();
      const end = await browser.open(startUrl(), (u) => isRefusal(u) || u.pathname === '/accounts');
      assert.equal(end.stopped, true, `${end.status} ${end.body}`);
      assert.equal(refusalOf(end.url), 'OIDC_SIGN_IN_FAILED', end.url.href);
      assert.equal(browser.cookiesOf(new URL(broker.url).origin).has('yz_session'), false, 'no console session');
      assert.equal(await Account.count({ where: { externalDn: '1005' } }), 0, 'no account made');
    });
  }

  it('a person no mapping admits is sent back to the page with the refusal, audited, and no account is made', async () => {
    provider.signInAs(person('1003', ['canteen']));
    const browser = new RedirectBrowser();
    const end = await browser.open(startUrl(), isRefusal);
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(end.url.pathname, '/accounts');
    assert.equal(refusalOf(end.url), 'OIDC_NOT_MAPPED');
    assert.equal(await Account.count({ where: { externalDn: '1003' } }), 0);
    assert.ok(await AuditEvent.findOne({ where: { action: 'auth.oidc.refused', targetId: sourceId } }));
  });

  it('an account disabled in the console is sent back to the page with ACCOUNT_DISABLED, not to a JSON body, and gets no session', async () => {
    provider.signInAs(person('1006', ['tax-hall']));
    const first = new RedirectBrowser();
    assert.equal((await first.open(startUrl(), (u) => u.pathname === '/accounts')).stopped, true);
    const { account } = (await consoleOf(first).get('/api/v1/auth/me')).body;
    assert.equal((await broker.admin.patch(`/api/v1/accounts/${account.id}`, { disabled: true })).status, 200);

    const browser = new RedirectBrowser();
    const end = await browser.open(startUrl(), (u) => isRefusal(u) || u.pathname === '/accounts');
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(refusalOf(end.url), 'ACCOUNT_DISABLED', end.url.href);
    assert.equal(browser.cookiesOf(new URL(broker.url).origin).has('yz_session'), false, 'no console session');
  });

  it('a provider that does not answer sends the browser back to the page, not to a JSON body', async () => {
    const down = await broker.admin.create('/api/v1/identity-sources/oidc', {
      name: '停用的平台',
      issuer: 'http://127.0.0.1:9/',
      clientId: 'yunzhuo',
      redirectUri: `${broker.url}/api/v1/auth/oidc/callback`,
      claimMappings: [{ claim: 'groups', value: 'x' }],
    });
    const end = await new RedirectBrowser().open(`${broker.url}/api/v1/auth/oidc/${down.id}/start?returnTo=%2Fconsole%2F`, isRefusal);
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(refusalOf(end.url), 'OIDC_PROVIDER_UNAVAILABLE');
    await broker.admin.delete(`/api/v1/identity-sources/oidc/${down.id}`);
  });

  it('a start the database refuses sends the browser back to the page with INTERNAL, not to a JSON body', async () => {
    const end = await whileInsertsFail(broker.sequelize, 'oidc_logins', () => new RedirectBrowser().open(startUrl('/console/'), isRefusal));
    assert.equal(end.stopped, true, `${end.status} ${end.body}`);
    assert.equal(refusalOf(end.url), 'INTERNAL');
    // the fault gone, the same start goes to the provider
    const again = await new RedirectBrowser().open(startUrl('/console/'), (u) => u.origin === provider.issuer);
    assert.equal(again.stopped, true, `${again.status} ${again.body}`);
  });

  it('an account with TOTP on gives its code after the provider: until then the session reaches nothing else', async () => {
    provider.signInAs(person('1004', ['county-it']));
    const first = new RedirectBrowser();
    assert.equal((await first.open(startUrl(), (u) => u.pathname === '/accounts')).stopped, true);
    const secret = await enrollTotp(consoleOf(first), clock);

    clock.advance(30_000);
    const browser = new RedirectBrowser();
    assert.equal((await browser.open(startUrl(), (u) => u.pathname === '/accounts')).stopped, true);
    const client = consoleOf(browser);
    assert.equal((await client.get('/api/v1/auth/me')).body.restriction, 'TOTP_REQUIRED');
    const refused = await client.get('/api/v1/sites');
    assert.equal(refused.body.error.code, 'TOTP_REQUIRED');
    assert.equal((await client.post('/api/v1/auth/totp/verify', { code: totpCodeAt(secret, clock.now() - 30_000) })).body.error.code, 'TOTP_INVALID');
    assert.equal((await client.post('/api/v1/auth/totp/verify', { code: totpCodeAt(secret, clock.now()) })).status, 204);
    assert.equal((await client.get('/api/v1/sites')).status, 200);
  });
});
