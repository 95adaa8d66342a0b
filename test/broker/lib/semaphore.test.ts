import assert from 'node:assert/strict';
import { Semaphore } from '../../../broker/src/lib/semaphore.js';

describe('Semaphore', () => {
  it('never runs more than its limit, starts tasks in arrival order, even when newcomers arrive as a task finishes', async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
    };
    const first = Array.from({ length: 5 }, (_, i) => sem.run(task(i)));
    // newcomers arriving while slots are being handed over must queue behind the waiters
    await new Promise((r) => setImmediate(r));
    const late = Array.from({ length: 5 }, (_, i) => sem.run(task(5 + i)));
    await Promise.all([...first, ...late]);
    assert.equal(peak, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(sem.active, 0);
  });

  it('keeps order and frees the slot when a task throws', async () => {
    const sem = new Semaphore(1);
    const order: number[] = [];
    const failing = sem.run(async () => {
      order.push(1);
      throw new Error('boom');
    });
    const next = sem.run(async () => void order.push(2));
    await assert.rejects(failing, /boom/);
    await next;
    assert.deepEqual(order, [1, 2]);
    assert.equal(sem.active, 0);
  });
});
