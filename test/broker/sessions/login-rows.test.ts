import assert from 'node:assert/strict';
import { LOGIN_ROWS_TTL_MS, ShortCache } from '../../../broker/src/sessions/login-rows.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('login rows: the short cache (injected clock)', () => {
  it('serves a row until its time limit, then reads it again; concurrent misses share one read', async () => {
    const clock = new ManualClock();
    const cache = new ShortCache<string>(LOGIN_ROWS_TTL_MS, clock);
    let reads = 0;
    const load = async () => `row ${++reads}`;
    assert.deepEqual(await Promise.all([cache.get('t1', load), cache.get('t1', load)]), ['row 1', 'row 1']);
    clock.advance(LOGIN_ROWS_TTL_MS - 1);
    assert.equal(await cache.get('t1', load), 'row 1', 'one tick before the limit: cached');
    clock.advance(1);
    assert.equal(await cache.get('t1', load), 'row 2', 'at the limit: read again');
    cache.forget('t1');
    assert.equal(await cache.get('t1', load), 'row 3', 'an event drops it at once');
  });

  it('does not remember a failed read', async () => {
    const cache = new ShortCache<string>(LOGIN_ROWS_TTL_MS, new ManualClock());
    await assert.rejects(
      cache.get('t1', async () => Promise.reject(new Error('db down'))),
      /db down/,
    );
    assert.equal(await cache.get('t1', async () => 'row'), 'row');
  });
});
