import assert from 'node:assert/strict';
import { Op, QueryTypes } from 'sequelize';
import { Account } from '../../../broker/src/accounts/account.model.js';
import { AuditEvent } from '../../../broker/src/audit/audit-event.model.js';
import { dialectOf } from '../../../broker/src/db/database.js';
import { loadOrCreateSecretKey, SecretBox } from '../../../broker/src/lib/secret-box.js';
import type { BrokeredSession } from '../../../broker/src/sessions/session-engine.service.js';
import { Terminal } from '../../../broker/src/terminals/terminal.model.js';
import { seedHall, type SeededHall } from '../../helpers/bulk-seed.js';
import { startTestBroker, type TestBroker } from '../../helpers/start-broker.js';

/**
 * Logins arriving together are brokered in groups (on SQLite one claim statement per group, which
 * also passes over a clerk who still holds a live session in the pool). Called in one tick, every
 * login after the first joins one group: the engine's own grouping is what is tested, on SQLite
 * and on PostgreSQL (YUNZHUO_TEST_DATABASE=postgres).
 */
describe('logins brokered in groups', function () {
  this.timeout(120_000);
  let broker: TestBroker;
  let hall: SeededHall;
  let clerks: Account[];
  let terminals: Terminal[];

  before(async () => {
    broker = await startTestBroker();
    hall = await seedHall(broker.sequelize, new SecretBox(loadOrCreateSecretKey(broker.dataDir)), { clerks: 24, desktops: 20, windows: 24 });
    const byName = new Map((await Account.findAll({ where: { username: hall.usernames } })).map((a) => [a.username, a]));
    clerks = hall.usernames.map((u) => byName.get(u)!);
    const byId = new Map((await Terminal.findAll({ where: { siteId: hall.siteId } })).map((t) => [t.id, t]));
    terminals = hall.terminals.map((credential) => byId.get(credential.split('.')[0]!)!);
  });

  after(async () => broker?.stop());

  beforeEach(async () => {
    await broker.sequelize.query(`UPDATE sessions SET state = 'ended', live_key = NULL`);
    await broker.sequelize.query(`UPDATE desktops SET state = 'free', session_id = NULL`);
  });

  /** clerk i at terminal t, every login started in the same tick */
  const together = (logins: Array<[clerk: number, terminal: number]>) =>
    Promise.allSettled(logins.map(([c, t]) => broker.engine.broker(clerks[c]!, terminals[t]!)));

  const value = (s: PromiseSettledResult<BrokeredSession>) => {
    assert.equal(s.status, 'fulfilled', s.status === 'rejected' ? String(s.reason) : '');
    return (s as PromiseFulfilledResult<BrokeredSession>).value;
  };

  /** live sessions and the desktops they hold: one desktop each, each desktop held by its own session */
  async function assertNoDesktopTwice(): Promise<number> {
    const sessions = await broker.sequelize.query<{ id: string; desktop_id: string; held_by: string | null }>(
      `SELECT s.id, s.desktop_id, d.session_id AS held_by FROM sessions s JOIN desktops d ON d.id = s.desktop_id WHERE s.state <> 'ended'`,
      { type: QueryTypes.SELECT },
    );
    assert.equal(new Set(sessions.map((s) => s.desktop_id)).size, sessions.length, 'a desktop in two live sessions');
    for (const s of sessions) assert.equal(s.held_by, s.id, `desktop ${s.desktop_id} held by another session`);
    const [held] = await broker.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM desktops WHERE session_id IS NOT NULL`, { type: QueryTypes.SELECT });
    assert.equal(Number(held!.n), sessions.length, 'a desktop held with no live session');
    return sessions.length;
  }

  it('clerks back to a live session rejoin it, a clerk twice gets one session, the rest distinct desktops', async () => {
    const earlier = (await together([0, 1, 2, 3].map((c) => [c, c]))).map(value);
    // the four again (at other windows), twelve new clerks and clerk 4 at two windows at once
    const logins: Array<[number, number]> = [
      [0, 20],
      [4, 4],
      [1, 21],
      ...Array.from({ length: 12 }, (_, i): [number, number] => [5 + i, 5 + i]),
      [2, 22],
      [4, 23],
      [3, 19],
    ];
    const got = (await together(logins)).map(value);
    const sessionOf = (c: number) => got.filter((_, i) => logins[i]![0] === c).map((r) => r.session.id);
    for (const c of [0, 1, 2, 3]) {
      assert.deepEqual(sessionOf(c), [earlier[c]!.session.id], `clerk ${c} rejoins the session it holds`);
      assert.equal(got[logins.findIndex(([k]) => k === c)]!.reconnected, true);
    }
    assert.equal(new Set(sessionOf(4)).size, 1, 'clerk 4 twice: one session');
    assert.equal(await assertNoDesktopTwice(), 4 + 1 + 12);
  });

  it('a full pool: clerks back to a live session rejoin it and take no desktop; the new clerks get what is left, then POOL_EXHAUSTED', async () => {
    const first = (await together(Array.from({ length: 18 }, (_, c): [number, number] => [c, c]))).map(value);
    assert.equal(await assertNoDesktopTwice(), 18);
    // two desktops left: three new clerks (18, 19, 20) and two back at other windows (7, 12)
    const settled = await together([
      [18, 18],
      [7, 21],
      [19, 19],
      [12, 22],
      [20, 20],
    ]);
    assert.equal(value(settled[1]!).session.id, first[7]!.session.id);
    assert.equal(value(settled[3]!).session.id, first[12]!.session.id);
    const newcomers = [settled[0]!, settled[2]!, settled[4]!];
    assert.equal(newcomers.filter((s) => s.status === 'fulfilled' && !s.value.reconnected).length, 2, 'both free desktops go to new clerks');
    const refused = newcomers.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    assert.deepEqual(
      refused.map((s) => (s.reason as { code?: string }).code),
      ['POOL_EXHAUSTED'],
    );
    assert.equal(await assertNoDesktopTwice(), 20);
  });

  it('a login whose session row the database refuses fails alone: the others of its group are served, its desktop goes back', async () => {
    const refused = clerks[9]!;
    const sequelize = broker.sequelize;
    if (dialectOf(sequelize) === 'sqlite') {
      await sequelize.query(
        `CREATE TRIGGER refuse_one_clerk BEFORE INSERT ON sessions WHEN NEW.account_id = '${refused.id}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
      );
    } else {
      await sequelize.query(
        `CREATE FUNCTION refuse_one_clerk() RETURNS trigger AS $$ BEGIN
           IF NEW.account_id::text = '${refused.id}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await sequelize.query(`CREATE TRIGGER refuse_one_clerk BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_one_clerk()`);
    }
    try {
      const logins = Array.from({ length: 16 }, (_, c): [number, number] => [c, c]);
      const since = new Date();
      const settled = await together(logins);
      assert.deepEqual(
        settled.map((s) => s.status),
        logins.map(([c]) => (c === 9 ? 'rejected' : 'fulfilled')),
      );
      // the database's own refusal (SQLite reports a trigger's ABORT as a constraint error)
      const reason = (settled[9] as PromiseRejectedResult).reason as Error & { parent?: Error };
      assert.match(`${reason.message} ${reason.parent?.message}`, /refused by the test/);
      assert.equal(await assertNoDesktopTwice(), 15);
      // each stored session announced once, the refused one never
      const announced = await AuditEvent.findAll({
        where: { action: 'session.requested', targetId: settled.filter((s) => s.status === 'fulfilled').map((s) => s.value.session.id) },
      });
      assert.equal(announced.length, 15);
      assert.equal(await AuditEvent.count({ where: { action: 'session.requested', actorId: refused.id, at: { [Op.gte]: since } } }), 0);
    } finally {
      await sequelize.query(`DROP TRIGGER refuse_one_clerk${dialectOf(sequelize) === 'postgres' ? ' ON sessions' : ''}`);
      if (dialectOf(sequelize) === 'postgres') await sequelize.query(`DROP FUNCTION refuse_one_clerk()`);
    }
  });
  it('a clerk whose live session ends between the claim and the reconnect lookup gets a desktop, not POOL_EXHAUSTED', async () => {
    const [first] = (await together([[6, 6]])).map(value);
    // on SQLite the claim passes the clerk over for that session; it ends (grace, an admin) before the lookup
    const engine = broker.engine as unknown as { reconnect: (...args: unknown[]) => Promise<unknown> };
    const lookup = engine.reconnect;
    let ended = false;
    engine.reconnect = async function (this: unknown, ...args: unknown[]) {
      if (!ended) {
        ended = true;
        await broker.sequelize.query(`UPDATE sessions SET state = 'ended', live_key = NULL, ended_at = CURRENT_TIMESTAMP WHERE id = :id`, {
          replacements: { id: first!.session.id },
        });
        await broker.sequelize.query(`UPDATE desktops SET state = 'free', session_id = NULL WHERE session_id = :id`, {
          replacements: { id: first!.session.id },
        });
      }
      return lookup.apply(this, args);
    };
    try {
      const [again] = await together([[6, 7]]);
      const session = value(again!);
      assert.equal(ended, true, 'the lookup ran');
      assert.notEqual(session.session.id, first!.session.id);
      assert.equal(session.reconnected, false);
    } finally {
      engine.reconnect = lookup;
    }
    assert.equal(await assertNoDesktopTwice(), 1);
  });
});
