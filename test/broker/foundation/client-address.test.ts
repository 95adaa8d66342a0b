import assert from 'node:assert/strict';
import { auditOut } from '@yunzhuo/protocol/api/resources';
import { ConfigError, loadConfig } from '../../../broker/src/config/load-config.js';
import { ApiClient, itemsOf } from '../../helpers/api-client.js';
import { ADMIN_PASSWORD, startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/**
 * Behind trusted proxies (YUNZHUO_TRUST_PROXY) the client is the address the trusted hops
 * appended to X-Forwarded-For, the right-most untrusted one: never an entry the client wrote.
 */
describe('client address behind trusted proxies', () => {
  const failedLogin = async (broker: TestBroker, username: string, forwardedFor: string) => {
    const res = await fetch(`${broker.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ username, password: 'not-the-password' }),
    });
    return ((await res.json()) as { error: { code: string } }).error.code;
  };

  const loginAuditAddress = async (broker: TestBroker, forwardedFor: string): Promise<string | null> => {
    const client = new ApiClient(broker.url);
    assert.equal(
      (await client.request('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, { headers: { 'x-forwarded-for': forwardedFor } }))
        .status,
      200,
    );
    const events = itemsOf(auditOut, await broker.admin.get(`/api/v1/audit-events?action=auth.login&order=desc&pageSize=1`));
    return events[0]?.address ?? null;
  };

  describe('YUNZHUO_TRUST_PROXY=true (one proxy hop)', () => {
    let broker: TestBroker;
    before(async () => {
      broker = await startTestBroker({ env: { YUNZHUO_TRUST_PROXY: 'true', YUNZHUO_LOGIN_MAX_FAILURES_PER_ADDRESS: '2' } });
    });
    after(async () => broker?.stop());

    it('a client rotating its own X-Forwarded-For entry is still one address: the one the proxy appended', async () => {
      assert.equal(await failedLogin(broker, 'nobody-a1', '192.0.2.1, 198.51.100.7'), 'INVALID_CREDENTIALS');
      assert.equal(await failedLogin(broker, 'nobody-a2', '192.0.2.2, 198.51.100.7'), 'INVALID_CREDENTIALS');
      assert.equal(await failedLogin(broker, 'nobody-a3', '192.0.2.3, 198.51.100.7'), 'TOO_MANY_ATTEMPTS');
      // another client of the proxy has its own count
      assert.equal(await failedLogin(broker, 'nobody-a4', '192.0.2.3, 198.51.100.8'), 'INVALID_CREDENTIALS');
    });

    it('the audit records the address the proxy appended, not the one the client wrote', async () => {
      assert.equal(await loginAuditAddress(broker, '6.6.6.6, 198.51.100.20'), '198.51.100.20');
    });

    it("an X-Forwarded-For that is not an IP counts against the connection's own address", async () => {
      assert.equal(await failedLogin(broker, 'nobody-b1', 'made-up-1'), 'INVALID_CREDENTIALS');
      assert.equal(await failedLogin(broker, 'nobody-b2', 'made-up-2'), 'INVALID_CREDENTIALS');
      assert.equal(await failedLogin(broker, 'nobody-b3', 'made-up-3'), 'TOO_MANY_ATTEMPTS');
    });
  });

  describe('YUNZHUO_TRUST_PROXY as a list of proxy addresses and CIDRs', () => {
    let broker: TestBroker;
    before(async () => {
      broker = await startTestBroker({ env: { YUNZHUO_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8', YUNZHUO_LOGIN_MAX_FAILURES_PER_ADDRESS: '2' } });
    });
    after(async () => broker?.stop());

    it('every listed hop is skipped from the right; the first untrusted address is the client', async () => {
      assert.equal(await loginAuditAddress(broker, '6.6.6.6, 198.51.100.30, 10.1.2.3'), '198.51.100.30');
      assert.equal(await failedLogin(broker, 'nobody-c1', '192.0.2.1, 198.51.100.31, 10.9.9.9'), 'INVALID_CREDENTIALS');
      assert.equal(await failedLogin(broker, 'nobody-c2', '192.0.2.2, 198.51.100.31, 10.1.1.1'), 'INVALID_CREDENTIALS');
      assert.equal(await failedLogin(broker, 'nobody-c3', '192.0.2.3, 198.51.100.31'), 'TOO_MANY_ATTEMPTS');
    });
  });

  it('YUNZHUO_TRUST_PROXY: true means one hop, a number is hops, a list is checked entry by entry', () => {
    const trust = (value: string) => loadConfig({ YUNZHUO_TRUST_PROXY: value, YUNZHUO_DATA_DIR: '/tmp/yz-unused' }).trustProxy;
    assert.equal(trust('true'), 1);
    assert.equal(trust('false'), false);
    assert.equal(trust('0'), false);
    assert.equal(trust('2'), 2);
    assert.deepEqual(trust('loopback,192.168.1.0/24, ::1'), ['loopback', '192.168.1.0/24', '::1']);
    const problems = (value: string) => {
      try {
        trust(value);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems.join('\n');
      }
      return assert.fail(`${value} was accepted`);
    };
    assert.match(problems('proxy.example'), /YUNZHUO_TRUST_PROXY: .*proxy\.example: not an IP address or CIDR/);
    assert.match(problems('10.0.0.0/33'), /10\.0\.0\.0\/33: prefix must be 0–32/);
    assert.match(problems('11'), /0–10/);
  });
});
