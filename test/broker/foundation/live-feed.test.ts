import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ApiClient } from '../../helpers/api-client.js';
import { eventually } from '../../helpers/eventually.js';
import { Factory } from '../../helpers/factories.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

interface Feed {
  ws: WebSocket;
  events: Array<{ type: string; data: Record<string, unknown> }>;
  closed: Promise<number>;
}

/** The console's live feed, opened with a console client's cookie. */
async function openFeed(broker: TestBroker, client: ApiClient): Promise<Feed> {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const ws = new WebSocket(`${broker.url.replace('http', 'ws')}/api/v1/events`, { headers: { cookie } });
  const events: Feed['events'] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (raw) => events.push(JSON.parse(String(raw))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await eventually(() => events.some((e) => e.type === 'hello'));
  return { ws, events, closed };
}

const windowsCreated = (feed: Feed) => feed.events.filter((e) => e.type === 'resource.changed' && e.data.resource === 'windows').map((e) => e.data.id);

describe('the console live feed', function () {
  this.timeout(30_000);
  let broker: TestBroker;
  let f: Factory;

  before(async () => {
    broker = await startTestBroker({ env: { YUNZHUO_LIVE_FEED_PING_SECONDS: '1' } });
    f = new Factory(broker.admin);
  });
  after(() => broker.stop());

  it('refuses an upgrade without a console sign-in', async () => {
    const ws = new WebSocket(`${broker.url.replace('http', 'ws')}/api/v1/events`);
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 401);
  });

  it('a town admin sees the town only, follows a change of home site at the next ping, and is cut off once disabled', async () => {
    const county = await f.site();
    const townA = await f.site({ kind: 'town', parentId: county.id });
    const townB = await f.site({ kind: 'town', parentId: county.id });
    const account = await f.account({ roles: ['site-admin'], homeSiteId: townA.id, password: 'Town-admin-2026' });
    const client = new ApiClient(broker.url);
    assert.equal((await client.login(account.username, 'Town-admin-2026')).status, 200);
    const feed = await openFeed(broker, client);

    // each absence is asserted once a later, in-scope event has arrived (events arrive in order)
    const inB = await f.window(townB.id);
    const inA = await f.window(townA.id);
    await eventually(() => windowsCreated(feed).includes(inA.id));
    assert.equal(windowsCreated(feed).includes(inB.id), false, "town B is not this admin's");

    await broker.admin.patch(`/api/v1/accounts/${account.id}`, { homeSiteId: townB.id });
    // the next pings re-read the sign-in: from then on a window created in town B reaches the feed
    // each round: a window in B, then one in A; one of the two towns is in scope, and once the
    // feed has A's (old scope) B's would have come before it. A ping between the two can hide
    // both: that round times out and the next one decides.
    await eventually(
      async () => {
        const probe = await f.window(townB.id);
        const marker = await f.window(townA.id);
        await eventually(() => windowsCreated(feed).some((id) => id === probe.id || id === marker.id), { timeoutMs: 2_000 });
        return windowsCreated(feed).includes(probe.id);
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const laterA = await f.window(townA.id);
    const laterB = await f.window(townB.id);
    await eventually(() => windowsCreated(feed).includes(laterB.id));
    assert.equal(windowsCreated(feed).includes(laterA.id), false, 'the old town is no longer in scope');

    await broker.admin.patch(`/api/v1/accounts/${account.id}`, { disabled: true });
    assert.equal(await feed.closed, 4401);
  });
});
