import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/** Behind a trusted proxy (YUNZHUO_TRUST_PROXY=true) the per-address throttle counts the forwarded IP, never a made-up one. */
describe('client address behind a trusted proxy', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ env: { YUNZHUO_TRUST_PROXY: 'true', YUNZHUO_LOGIN_MAX_FAILURES_PER_ADDRESS: '2' } });
  });
  after(async () => broker?.stop());

  const failedLogin = async (username: string, forwardedFor: string) => {
    const res = await fetch(`${broker.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ username, password: 'not-the-password' }),
    });
    return ((await res.json()) as { error: { code: string } }).error.code;
  };

  it('an X-Forwarded-For that is not an IP counts against the connection\'s own address', async () => {
    assert.equal(await failedLogin('nobody-1', 'made-up-1'), 'INVALID_CREDENTIALS');
    assert.equal(await failedLogin('nobody-2', 'made-up-2'), 'INVALID_CREDENTIALS');
    // a third made-up value is the same client: its two failures already reached the limit
    assert.equal(await failedLogin('nobody-3', 'made-up-3'), 'TOO_MANY_ATTEMPTS');
    // a real forwarded IP is another client of the proxy, with its own count
    assert.equal(await failedLogin('nobody-4', '203.0.113.9'), 'INVALID_CREDENTIALS');
  });
});
