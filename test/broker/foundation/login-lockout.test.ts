import assert from 'node:assert/strict';
import { ApiClient, assertError, type ApiResponse } from '../../helpers/api-client.js';
import { Factory } from '../../helpers/factories.js';
import { ADMIN_PASSWORD, startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/**
 * Finding 8 of issue 13: five wrong passwords from anywhere locked `admin` out everywhere for 15
 * minutes. Now a place that guesses is held, the owner elsewhere is not; guesses spread over many
 * places only slow the account down. The broker sits behind one trusted proxy here, so each
 * X-Forwarded-For is another client.
 */
describe('login lockout a stranger cannot turn against the owner', () => {
  let broker: TestBroker;
  let f: Factory;
  before(async () => {
    broker = await startTestBroker({ env: { YUNZHUO_TRUST_PROXY: '1', YUNZHUO_LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE: '8' } });
    f = new Factory(broker.admin);
  });
  after(async () => broker?.stop());

  const loginFrom = (address: string, username: string, password: string): Promise<ApiResponse> =>
    new ApiClient(broker.url).request('POST', '/api/v1/auth/login', { username, password }, { headers: { 'x-forwarded-for': address } });

  it('five wrong passwords for admin from one place hold that place for 15 minutes, in words; admin signs in from its own', async () => {
    for (let i = 0; i < 5; i++) assertError(await loginFrom('203.0.113.5', 'admin', `guess-${i}`), 401, 'INVALID_CREDENTIALS');
    const held = await loginFrom('203.0.113.5', 'admin', ADMIN_PASSWORD);
    assertError(held, 429, 'TOO_MANY_ATTEMPTS');
    assert.match(held.body.error.message, /^登录失败次数过多，请 15 分钟后再试/);
    assert.ok(held.body.error.details.retryAfterSeconds > 840, String(held.body.error.details.retryAfterSeconds));
    assert.equal((await loginFrom('198.51.100.1', 'admin', ADMIN_PASSWORD)).status, 200, 'the owner at another address is not locked out');
    // typing the name in another case from the guessing place is the same account
    assertError(await loginFrom('203.0.113.5', 'ADMIN', ADMIN_PASSWORD), 429, 'TOO_MANY_ATTEMPTS');
  });

  it('guesses spread over many places slow the account (seconds), they do not lock it for the window', async () => {
    const victim = await f.account({ roles: ['admin'], password: 'Victim-pass-2026' });
    for (let i = 0; i < 8; i++) assertError(await loginFrom(`192.0.2.${i + 10}`, victim.username, `guess-${i}`), 401, 'INVALID_CREDENTIALS');
    const slowed = await loginFrom('198.51.100.2', victim.username, 'Victim-pass-2026');
    assertError(slowed, 429, 'TOO_MANY_ATTEMPTS');
    const seconds = slowed.body.error.details.retryAfterSeconds;
    assert.ok(Number.isInteger(seconds) && seconds > 0 && seconds <= 30, String(seconds));
    assert.match(slowed.body.error.message, new RegExp(`^登录失败次数过多，请 ${seconds} 秒后再试`));
    assert.equal(slowed.headers.get('retry-after'), String(seconds));
  });
});
