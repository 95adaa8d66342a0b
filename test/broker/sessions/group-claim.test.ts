import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CreationAttributes, Sequelize } from 'sequelize';
import { Account } from '../../../broker/src/accounts/account.model.js';
import { openDatabase } from '../../../broker/src/db/database.js';
import { migrateUp } from '../../../broker/src/db/migrator.js';
import { initModels } from '../../../broker/src/db/models.js';
import { Desktop } from '../../../broker/src/desktops/desktop.model.js';
import { loadOrCreateSecretKey, SecretBox } from '../../../broker/src/lib/secret-box.js';
import { Pool } from '../../../broker/src/pools/pool.model.js';
import { claimFreeDesktopsTogether, groupFreeClaims, type ClaimedDesktop, type FreeDesktopClaim } from '../../../broker/src/sessions/desktop-claim.js';
import { DesktopSession } from '../../../broker/src/sessions/session.model.js';
import { seedHall, type SeededHall } from '../../helpers/bulk-seed.js';

// The group claim is SQLite's (PostgreSQL claims each login on its own connection): SQLite only.
describe('free desktops of logins arriving together, claimed together (SQLite)', function () {
  this.timeout(120_000);
  let dir: string;
  let sequelize: Sequelize;
  let hall: SeededHall;
  let pool: Pool;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'yz-group-claim-'));
    sequelize = openDatabase(`sqlite:${path.join(dir, 'yunzhuo.db')}`);
    initModels(sequelize);
    await migrateUp(sequelize);
    hall = await seedHall(sequelize, new SecretBox(loadOrCreateSecretKey(dir)), { clerks: 1, desktops: 20, windows: 1 });
    pool = (await Pool.findByPk(hall.poolId))!;
  });

  after(async () => {
    await sequelize?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await Desktop.update({ state: 'free', sessionId: null, ownerAccountId: null }, { where: { poolId: hall.poolId } });
    await pool.update({ maxSessions: null, allowOtherSites: true });
  });

  const claimsOf = (n: number, siteId = hall.siteId): FreeDesktopClaim[] =>
    Array.from({ length: n }, () => ({ pool, siteId, sessionId: randomUUID(), accountId: randomUUID(), now: new Date() }));

  async function assertHeldBy(claims: FreeDesktopClaim[], got: Array<ClaimedDesktop | null>) {
    const rows = await Desktop.findAll({ where: { poolId: hall.poolId, state: 'assigned' } });
    const bySession = new Map(rows.map((d) => [d.sessionId, d.id]));
    claims.forEach((claim, i) => assert.equal(got[i]?.id ?? null, bySession.get(claim.sessionId) ?? null, `claim ${i}`));
    return rows.length;
  }

  it('a burst of 30 for 20 desktops: the first 20 in order get 20 distinct desktops, the last 10 none', async () => {
    const claims = claimsOf(30);
    const got = await claimFreeDesktopsTogether(sequelize, claims);
    assert.equal(new Set(got.slice(0, 20).map((d) => d!.id)).size, 20);
    assert.deepEqual(got.slice(20), Array(10).fill(null));
    assert.equal(await assertHeldBy(claims, got), 20);
    assert.deepEqual(await claimFreeDesktopsTogether(sequelize, claimsOf(3)), [null, null, null], 'nothing left');
  });

  it('a capped pool gives only what is left of its cap', async () => {
    await pool.update({ maxSessions: 7 });
    const first = claimsOf(4);
    const firstGot = await claimFreeDesktopsTogether(sequelize, first);
    assert.equal(firstGot.filter(Boolean).length, 4);
    const second = claimsOf(5);
    const got = await claimFreeDesktopsTogether(sequelize, second);
    assert.deepEqual(
      got.map((d) => d !== null),
      [true, true, true, false, false],
    );
    assert.equal(await assertHeldBy([...first, ...second], [...firstGot, ...got]), 7);
  });

  it('grouped through the batch: concurrent logins never share a desktop, and each gets its own answer', async () => {
    const batch = groupFreeClaims(() => sequelize);
    const claims = claimsOf(25);
    const got = await Promise.all(claims.map((claim) => batch.add(claim)));
    assert.equal(got.filter(Boolean).length, 20);
    assert.equal(new Set(got.filter(Boolean).map((d) => d!.id)).size, 20);
    assert.equal(await assertHeldBy(claims, got), 20);
  });

  it('one failing claim fails only its own login', async () => {
    const bad = claimsOf(1)[0]!;
    const batch = groupFreeClaims(
      () => sequelize,
      async (db, claims) => {
        if (claims.includes(bad)) throw new Error('refused');
        return claimFreeDesktopsTogether(db, claims);
      },
    );
    const claims = [...claimsOf(3), bad, ...claimsOf(3)];
    const settled = await Promise.allSettled(claims.map((claim) => batch.add(claim)));
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
    const got = settled.map((s) => (s.status === 'fulfilled' ? s.value : null));
    assert.equal(new Set(got.filter(Boolean).map((d) => d!.id)).size, 6);
    assert.equal(await assertHeldBy(claims, got), 6);
  });

  it('a claim for a clerk who holds a live session in the pool takes nothing and leaves its turn to the next', async () => {
    const [held, back, fresh, late] = claimsOf(4);
    // `back` (the hall's clerk) holds the desktop `held` got: its login goes back to that session
    back!.accountId = (await Account.findOne({ where: { username: hall.usernames[0]! } }))!.id;
    const [desktop] = await claimFreeDesktopsTogether(sequelize, [held!]);
    await DesktopSession.create({
      id: held!.sessionId,
      accountId: back!.accountId,
      poolId: pool.id,
      desktopId: desktop!.id,
      siteId: hall.siteId,
      state: 'requested',
      liveKey: `${back!.accountId}:${pool.id}`,
      requestedAt: new Date(),
      lastActivityAt: new Date(),
    } as CreationAttributes<DesktopSession>);
    await pool.update({ maxSessions: 3 });
    const claims = [back!, fresh!, late!].map((c) => ({ ...c, liveKey: `${c.accountId}:${pool.id}` }));
    const got = await claimFreeDesktopsTogether(sequelize, claims);
    assert.deepEqual(
      got.map((d) => d !== null),
      [false, true, true],
    );
    assert.equal(await assertHeldBy([held!, ...claims], [desktop!, ...got]), 3);
    await DesktopSession.destroy({ where: { id: held!.sessionId } });
  });

  it('claims from another site go in their own statement: a pool closed to other sites serves them nothing, the rest are served', async () => {
    const other = randomUUID();
    const batch = groupFreeClaims(() => sequelize);
    // the hall's pool allows no other sites: a terminal of another site gets nothing, the rest are served
    await pool.update({ allowOtherSites: false });
    const claims = [...claimsOf(2), ...claimsOf(2, other), ...claimsOf(2)];
    const got = await Promise.all(claims.map((claim) => batch.add(claim)));
    assert.deepEqual(
      got.map((d) => d !== null),
      [true, true, false, false, true, true],
    );
    assert.equal(await assertHeldBy(claims, got), 4);
  });
});
