// The one fetch wrapper of the window page (WindowApi, `Terminal` credential) and the rating pad
// (padApi, `Pad` credential), against a real HTTP server: what is sent, how the broker's refusals,
// a proxy's pages and a dropped connection become WindowApiErrors. No browser.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brokerFetch, WindowApiError, type BrokerFetchOptions } from '../../../console/src/terminal/api/broker-fetch.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

const WINDOW: BrokerFetchOptions = { authorization: 'Terminal t-1.secret', foreignRefusal: 'by-status', retryAfterMs: 1 };
const PAD: BrokerFetchOptions = { authorization: 'Pad p-1.secret', foreignRefusal: 'not-reached', cache: 'no-store' };

describe('window page and pad: brokerFetch', () => {
  let server: Server;
  let seen: Seen[] = [];
  let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const realFetch = globalThis.fetch;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
        answer(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // the page fetches `/api/v1/…` relative to its origin; here the origin is the test server
    globalThis.fetch = (input, init) => realFetch(new URL(String(input), base), init);
  });
  after(async () => {
    globalThis.fetch = realFetch;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = [];
  });

  const json = (status: number, value: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-probe': 'yes' });
    res.end(JSON.stringify(value));
  };
  const page = (status: number) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end('<html>proxy</html>');
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => assert.fail('expected a refusal'),
      (error: unknown) => {
        assert.ok(error instanceof WindowApiError);
        return [error.status, error.code, error.serverMessage, error.details];
      },
    );

  it('sends the credential, and JSON only with a body; answers status, headers and the parsed body', async () => {
    answer = json(201, { id: 'x' });
    const answered = await brokerFetch<{ id: string }>('POST', '/terminal/sessions', { username: '张三' }, WINDOW);
    assert.deepEqual([answered.status, answered.body, answered.headers.get('x-probe')], [201, { id: 'x' }, 'yes']);
    answer = (_req, res) => res.end();
    assert.equal((await brokerFetch('GET', '/pad/state', undefined, PAD)).body, null, 'an empty body is null');
    assert.equal((await brokerFetch('POST', '/pad/pair', { code: '123456' }, { ...PAD, authorization: null })).status, 200);
    assert.deepEqual(seen, [
      { method: 'POST', url: '/api/v1/terminal/sessions', authorization: 'Terminal t-1.secret', contentType: 'application/json', body: '{"username":"张三"}' },
      { method: 'GET', url: '/api/v1/pad/state', authorization: 'Pad p-1.secret', contentType: undefined, body: '' },
      { method: 'POST', url: '/api/v1/pad/pair', authorization: undefined, contentType: 'application/json', body: '{"code":"123456"}' },
    ]);
  });

  it("a broker's refusal keeps its status, code, message and details, for both", async () => {
    answer = json(409, { error: { code: 'PAD_UNKNOWN', message: '评价器未配对', details: { padId: 'p-1' } } });
    const expected = [409, 'PAD_UNKNOWN', '评价器未配对', { padId: 'p-1' }];
    assert.deepEqual(await refusal(brokerFetch('GET', '/pad/state', undefined, PAD)), expected);
    assert.deepEqual(await refusal(brokerFetch('GET', '/terminal/context', undefined, WINDOW)), expected);
    answer = json(401, { error: { code: 'TERMINAL_UNKNOWN' } });
    assert.deepEqual(await refusal(brokerFetch('GET', '/terminal/context', undefined, WINDOW)), [401, 'TERMINAL_UNKNOWN', 'Unauthorized', {}]);
  });

  it("a proxy's page: not reached for the pad, its status for the window page", async () => {
    answer = page(502);
    assert.deepEqual(await refusal(brokerFetch('POST', '/pad/ratings', {}, PAD)), [0, 'NETWORK', 'Bad Gateway', {}]);
    assert.deepEqual(await refusal(brokerFetch('GET', '/terminal/context', undefined, WINDOW)), [502, 'INTERNAL', 'Bad Gateway', {}]);
    answer = page(404);
    assert.deepEqual(await refusal(brokerFetch('POST', '/pad/ratings', {}, PAD)), [0, 'NETWORK', 'Not Found', {}]);
    assert.deepEqual(await refusal(brokerFetch('GET', '/terminal/context', undefined, WINDOW)), [404, 'NETWORK', 'Not Found', {}]);
  });

  it('a connection dropped before any answer: the window page sends once more, the pad does not', async () => {
    let dropped = 0;
    const dropFirst = (req: IncomingMessage, res: ServerResponse) => {
      if (dropped++ === 0) req.socket.destroy();
      else json(200, { ok: true })(req, res);
    };
    answer = dropFirst;
    assert.deepEqual((await brokerFetch('POST', '/terminal/sessions', {}, WINDOW)).body, { ok: true });
    assert.equal(seen.length, 2, 'the window page retried once');

    seen = [];
    dropped = 0;
    answer = dropFirst;
    assert.deepEqual(await refusal(brokerFetch('POST', '/pad/ratings', {}, PAD)), [0, 'NETWORK', 'network error', {}]);
    assert.equal(seen.length, 1, 'the pad did not retry');

    answer = (req) => req.socket.destroy();
    seen = [];
    assert.deepEqual(await refusal(brokerFetch('GET', '/terminal/context', undefined, WINDOW)), [0, 'NETWORK', 'network error', {}]);
    assert.equal(seen.length, 2, 'one retry, then NETWORK');
  });
});
