import assert from 'node:assert/strict';
import { TimeoutError } from 'sequelize';
import { GroupBatch, groupInsert, groupLookup } from '../../../broker/src/db/group-batch.js';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { AuditService } from '../../../broker/src/audit/audit.service.js';
import { systemClock } from '../../../broker/src/lib/clock.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/** a batch function whose calls are recorded and which finishes only when told to */
function gatedRun() {
  const calls: number[][] = [];
  const gates: Array<() => void> = [];
  const run = (items: number[]) => {
    calls.push(items);
    return new Promise<number[]>((resolve) => gates.push(() => resolve(items.map((i) => i * 10))));
  };
  const openNext = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { calls, run, openNext };
}

describe('GroupBatch (group commit)', () => {
  it('sends an item at once, alone, when nothing is under way', async () => {
    const { calls, run, openNext } = gatedRun();
    const batch = new GroupBatch(run);
    const answer = batch.add(1);
    assert.deepEqual(calls, [[1]], 'the item went out before add() returned');
    await openNext();
    assert.equal(await answer, 10);
  });

  it('groups the items added while a batch is under way, in order, one answer each', async () => {
    const { calls, run, openNext } = gatedRun();
    const batch = new GroupBatch(run);
    const answers = [1, 2, 3, 4, 5].map((i) => batch.add(i));
    assert.deepEqual(calls, [[1]]);
    await openNext();
    await openNext();
    assert.deepEqual(await Promise.all(answers), [10, 20, 30, 40, 50]);
    assert.deepEqual(calls, [[1], [2, 3, 4, 5]]);
  });

  it('splits a long queue at maxItems', async () => {
    const { calls, run, openNext } = gatedRun();
    const batch = new GroupBatch(run, { maxItems: 2 });
    const answers = [1, 2, 3, 4, 5].map((i) => batch.add(i));
    for (let i = 0; i < 3; i++) await openNext();
    await Promise.all(answers);
    assert.deepEqual(calls, [[1], [2, 3], [4, 5]]);
  });

  it('retries a failed batch item by item: only the bad item fails', async () => {
    const calls: number[][] = [];
    let hold: (() => void) | undefined;
    const batch = new GroupBatch<number, number>(
      async (items) => {
        calls.push(items);
        if (items[0] === 0) await new Promise<void>((r) => (hold = r));
        if (items.includes(13)) throw new Error('bad row 13');
        return items;
      },
      { retryAlone: () => true },
    );
    const first = batch.add(0);
    const answers = [11, 12, 13, 14].map((i) => batch.add(i));
    hold!();
    await first;
    const settled = await Promise.allSettled(answers);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((settled[2] as PromiseRejectedResult).reason), /bad row 13/);
    assert.deepEqual(calls, [[0], [11, 12, 13, 14], [11], [12], [13], [14]]);
  });

  it('without retryAlone every caller of a failed batch gets its error, and the batch is not repeated', async () => {
    let calls = 0;
    let hold: (() => void) | undefined;
    const batch = new GroupBatch<number, number>(async (items) => {
      calls++;
      if (items[0] === 0) await new Promise<void>((r) => (hold = r));
      else throw new Error('database gone');
      return items;
    });
    const first = batch.add(0);
    const answers = [1, 2, 3].map((i) => batch.add(i));
    hold!();
    await first;
    const settled = await Promise.allSettled(answers);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'rejected', 'rejected'],
    );
    assert.equal(calls, 2);
  });

  it('groupInsert retries a refused group row by row, but not an outage', async () => {
    const groups: string[][] = [];
    let hold: (() => void) | undefined;
    let fault: Error = new Error('NOT NULL constraint failed');
    const insert = groupInsert<string>(async (rows) => {
      groups.push(rows);
      if (rows[0] === 'first') await new Promise<void>((r) => (hold = r));
      else if (rows.includes('bad') || rows.length > 1) throw fault;
    });
    let first = insert.add('first');
    let rest = ['a', 'bad', 'b'].map((r) => insert.add(r));
    hold!();
    await first;
    assert.deepEqual(
      (await Promise.allSettled(rest)).map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(groups.slice(1), [['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);

    groups.length = 0;
    fault = new TimeoutError(Object.assign(new Error('SQLITE_BUSY: database is locked'), { sql: 'INSERT …' }));
    first = insert.add('first');
    rest = ['a', 'b'].map((r) => insert.add(r));
    hold!();
    await first;
    assert.deepEqual(
      (await Promise.allSettled(rest)).map((s) => s.status),
      ['rejected', 'rejected'],
    );
    assert.deepEqual(groups, [['first'], ['a', 'b']], 'an outage is not repeated row by row');
  });

  it('settles every caller when run throws at once or answers the wrong number of results', async () => {
    const throwing = new GroupBatch<number, number>((() => {
      throw new Error('thrown, not rejected');
    }) as unknown as (items: number[]) => Promise<number[]>);
    await assert.rejects(throwing.add(1), /thrown, not rejected/);
    const short = new GroupBatch<number, number>(async () => []);
    await assert.rejects(short.add(1), /a batch of 1 got 0 results/);
    assert.equal(await new GroupBatch<number, number>(async (items) => items).add(5), 5, 'a fresh batcher still works');
  });

  it('keeps working after a failure', async () => {
    const batch = new GroupBatch<number, number>(async (items) => {
      if (items.includes(-1)) throw new Error('negative');
      return items;
    });
    await assert.rejects(batch.add(-1), /negative/);
    assert.equal(await batch.add(7), 7);
  });

  it('groupLookup: one query per group, each key once, null for a missing row, copies when asked', async () => {
    const queried: string[][] = [];
    let hold: (() => void) | undefined;
    const rows = [{ id: 'a' }, { id: 'b' }];
    const lookup = groupLookup(
      async (keys: string[]) => {
        queried.push(keys);
        if (keys.includes('first')) await new Promise<void>((r) => (hold = r));
        return rows.filter((r) => keys.includes(r.id));
      },
      (r) => r.id,
      (r) => ({ ...r }),
    );
    const first = lookup.add('first');
    const answers = ['a', 'b', 'a', 'missing'].map((k) => lookup.add(k));
    hold!();
    assert.equal(await first, null);
    const [a1, b, a2, missing] = await Promise.all(answers);
    assert.deepEqual(queried, [['first'], ['a', 'b', 'missing']]);
    assert.equal(a1, rows[0]);
    assert.deepEqual(a2, rows[0]);
    assert.notEqual(a2, a1, 'the second caller of a key gets its own copy');
    assert.equal(b, rows[1]);
    assert.equal(missing, null);
  });
});

describe('Audit events written in groups', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => broker.stop());

  it('stores 50 concurrent events in a few INSERTs, in the order they were recorded; a bad one fails alone', async () => {
    const audit = new AuditService(systemClock);
    const inserts: string[] = [];
    // Sequelize reads options.logging at every query: the INSERT statements are counted there
    const options = (broker.sequelize as unknown as { options: { logging: unknown } }).options;
    const logging = options.logging;
    options.logging = (sql: string) => void (/INSERT INTO .audit_events./.test(sql) && inserts.push(sql));
    const marker = `group-${Date.now()}`;
    try {
      const records = Array.from({ length: 50 }, (_, i) =>
        // the 25th has no action: the NOT NULL column refuses it
        audit.record(null, { action: i === 25 ? (null as unknown as string) : `${marker}.${i}`, targetType: 'test', targetId: String(i) }),
      );
      const settled = await Promise.allSettled(records);
      assert.equal(settled.filter((s) => s.status === 'rejected').length, 1);
      assert.equal(settled[25]!.status, 'rejected');
    } finally {
      options.logging = logging;
    }
    const stored = await AuditEvent.findAll({ where: { targetType: 'test' }, order: [['id', 'ASC']] });
    assert.deepEqual(
      stored.map((e) => e.targetId),
      Array.from({ length: 50 }, (_, i) => String(i)).filter((i) => i !== '25'),
    );
    // first alone, then the rest as one group; the group failed on row 25 and was retried row by row
    const grouped = inserts.filter((sql) => (sql.match(new RegExp(`${marker}\\.`, 'g')) ?? []).length > 1);
    assert.equal(grouped.length, 1, 'the 49 events after the first went out as one INSERT');
  });
});
