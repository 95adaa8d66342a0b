import assert from 'node:assert/strict';
import { every } from '../../../broker/src/lib/clock.js';
import { ManualClock } from '../../helpers/manual-clock.js';

describe('every(): a periodic job on the injected clock', () => {
  it('runs once per period, one tick before is too early, and stops when told', () => {
    const clock = new ManualClock();
    const runs: number[] = [];
    const stop = every(clock, 1000, () => runs.push(clock.now()));
    const start = clock.now();
    clock.advance(999);
    assert.deepEqual(runs, []);
    clock.advance(1);
    assert.deepEqual(runs, [start + 1000]);
    clock.advance(2000);
    assert.deepEqual(runs, [start + 1000, start + 2000, start + 3000]);
    stop();
    clock.advance(5000);
    assert.equal(runs.length, 3);
  });

  it('keeps its schedule when a run throws', () => {
    const clock = new ManualClock();
    let runs = 0;
    every(clock, 1000, () => {
      runs++;
      throw new Error('job failed');
    });
    assert.throws(() => clock.advance(1000), /job failed/);
    assert.throws(() => clock.advance(1000), /job failed/);
    assert.equal(runs, 2);
  });
});
