import assert from 'node:assert/strict';
import { request } from 'node:http';
import { captureLog, type CapturedLog } from '../../helpers/log-capture.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/** An HTTP GET with the path exactly as written (fetch would resolve `../` before sending it). */
function rawGet(baseUrl: string, rawPath: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Findings 5 and 6 of issue 13: headers that stop framing and injection; asset probes answer 404 quietly. */
describe('pages and assets at the edge', () => {
  let broker: TestBroker;
  let log: CapturedLog;
  before(async () => {
    log = captureLog();
    broker = await startTestBroker({ logger: log.logger });
  });
  after(async () => broker?.stop());

  for (const probe of [
    '/assets/no-such-file.js',
    '/assets/../../package.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/..%2f..%2fbroker%2fpackage.json',
  ]) {
    it(`GET ${probe} answers 404 NOT_FOUND and logs nothing`, async () => {
      const before = log.warnings().length;
      const res = await rawGet(broker.url, probe);
      assert.equal(res.status, 404, res.body);
      assert.equal(JSON.parse(res.body).error.code, 'NOT_FOUND');
      assert.doesNotMatch(res.body, /"name"\s*:\s*"yunzhuo|"workspaces"|"dependencies"/, 'no file outside /assets is served');
      assert.deepEqual(log.warnings().slice(before), []);
    });
  }

  for (const page of ['/console/', '/console/accounts', '/terminal']) {
    it(`${page} may not be framed and runs only the broker's own scripts`, async () => {
      const res = await rawGet(broker.url, page);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /object-src 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    });
  }

  it('API answers, errors included, carry a CSP that renders nothing and frames nothing', async () => {
    for (const path of ['/api/v1/auth/me', '/api/v1/openapi.json', '/api/v1/no-such-route', '/healthz']) {
      const res = await rawGet(broker.url, path);
      assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'", path);
      assert.equal(res.headers['x-frame-options'], 'DENY', path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    }
  });
});
