import assert from 'node:assert/strict';
import { liveEvent, liveEventData, liveFeedEvent, type LiveEvent, type LiveEventType } from '@yunzhuo/protocol/api/live-events';

const AT = '2026-12-03T18:00:00.000Z';
const SITE = '0b9f5a43-6a3e-4c4f-9d1e-2f1f0f4c2a11';

/** one valid event of every type: a new type without an example here fails the first test */
const examples: { [K in LiveEventType]: LiveEvent<K>['data'] } = {
  'session.changed': { id: 's1', state: 'active', siteId: SITE, windowId: null, accountId: 'a1', poolId: 'p1', desktopId: 'd1', endReason: null },
  'terminal.changed': { id: 't1', state: 'enabled', siteId: SITE, windowId: null, online: true },
  'desktop.changed': { id: 'd1', state: 'free', health: 'ok', poolId: 'p1', siteId: null },
  'gateway.changed': { id: 'g1', health: 'down', siteId: SITE },
  'login.refused': { code: 'INVALID_CREDENTIALS', username: '张三', terminalId: null, siteId: SITE },
  'rating.created': { id: 'r1', siteId: SITE, windowId: 'w1', level: 2, bad: true },
  'resource.changed': { resource: 'windows', id: 'w1', action: 'create', siteId: SITE },
  'terminal.message': { terminalId: 't1', siteId: SITE, windowId: null, commandId: 'c1', text: '请稍候', level: 'info', durationSeconds: 10 },
  'terminal.command': { terminalId: 't1', siteId: SITE, commandId: 'c1', type: 'lock', outcome: 'ok' },
  'alert.changed': { id: 'al1', kind: 'gateway-down', state: 'open', siteId: null, acknowledged: false },
};

describe('protocol: the live event map', () => {
  it('every type of the map parses as a live event and as a feed message, unchanged', () => {
    assert.deepEqual(Object.keys(examples).sort(), Object.keys(liveEventData).sort());
    for (const [type, data] of Object.entries(examples)) {
      const event = { type, at: AT, data };
      assert.deepEqual(liveEvent.parse(event), event, type);
      assert.deepEqual(liveFeedEvent.parse(event), event, type);
    }
  });

  it('refuses an unknown type, data of another type, and a missing siteId; the greeting is for the feed only', () => {
    assert.equal(liveEvent.safeParse({ type: 'session.exploded', at: AT, data: {} }).success, false);
    assert.equal(liveEvent.safeParse({ type: 'desktop.changed', at: AT, data: examples['gateway.changed'] }).success, false);
    const { siteId: _dropped, ...withoutSite } = examples['terminal.changed'];
    assert.equal(liveEvent.safeParse({ type: 'terminal.changed', at: AT, data: withoutSite }).success, false);
    const hello = { type: 'hello', at: AT, data: { username: 'admin' } };
    assert.equal(liveEvent.safeParse(hello).success, false);
    assert.deepEqual(liveFeedEvent.parse(hello), hello);
  });
});
