import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { dialectOf } from '../db/database.js';
import { GroupBatch, isOutage } from '../db/group-batch.js';
import type { Pool } from '../pools/pool.model.js';

export interface ClaimedDesktop {
  id: string;
  site_id: string;
  name: string;
}

const CANDIDATE = `
  SELECT id FROM desktops
  WHERE pool_id = :poolId AND state = 'free' AND session_id IS NULL AND drain = :no
    AND health <> 'down'
    AND (:dedicated = :no OR owner_account_id IS NULL)
    AND (:allowOtherSites = :yes OR site_id = :siteId)
  ORDER BY CASE WHEN site_id = :siteId THEN 0 ELSE 1 END,
           CASE WHEN last_released_at IS NULL THEN 0 ELSE 1 END, last_released_at, id
  LIMIT 1`;

const CLAIM = (candidate: string) => `
  UPDATE desktops
  SET state = 'assigned', session_id = :sessionId, state_changed_at = :now, updated_at = :now, state_reason = NULL,
      owner_account_id = CASE WHEN :dedicated = :yes THEN :accountId ELSE owner_account_id END
  WHERE id = (${candidate}) AND state = 'free' AND session_id IS NULL
    AND (:maxSessions IS NULL OR
         (SELECT COUNT(*) FROM desktops busy WHERE busy.pool_id = :poolId AND busy.session_id IS NOT NULL) < :maxSessions)
  RETURNING id, site_id, name`;

/**
 * Takes one free, healthy desktop for a new session in ONE statement: the candidate is chosen
 * and claimed by the same conditional UPDATE, so two logins can never get the same desktop.
 * SQLite runs one writer at a time. On PostgreSQL a capped pool's row is locked first so the
 * max-sessions count and the claim are one serial step across every broker process.
 */
export async function claimFreeDesktop(
  sequelize: Sequelize,
  params: { pool: Pool; sessionId: string; accountId: string; siteId: string; now: Date },
): Promise<ClaimedDesktop | null> {
  const { pool } = params;
  const replacements = {
    poolId: pool.id,
    sessionId: params.sessionId,
    accountId: params.accountId,
    siteId: params.siteId,
    now: params.now,
    dedicated: pool.kind === 'dedicated',
    allowOtherSites: pool.allowOtherSites,
    maxSessions: pool.maxSessions,
    yes: true,
    no: false,
  };
  const sqlite = dialectOf(sequelize) === 'sqlite';
  if (sqlite || pool.maxSessions === null) {
    // One statement; on PostgreSQL SKIP LOCKED lets concurrent claims take different rows and the
    // outer re-check (state = 'free' AND session_id IS NULL) runs on the locked, current row.
    const candidate = sqlite ? CANDIDATE : `${CANDIDATE} FOR UPDATE SKIP LOCKED`;
    const rows = await sequelize.query<ClaimedDesktop>(CLAIM(candidate), { replacements, type: QueryTypes.SELECT });
    return rows[0] ?? null;
  }
  // With a session cap the count must see every committed claim: serialise on the pool row.
  return sequelize.transaction(async (transaction) => {
    await sequelize.query('SELECT id FROM pools WHERE id = :poolId FOR UPDATE', { replacements, transaction, type: QueryTypes.SELECT });
    const rows = await sequelize.query<ClaimedDesktop>(CLAIM(`${CANDIDATE} FOR UPDATE SKIP LOCKED`), { replacements, transaction, type: QueryTypes.SELECT });
    return rows[0] ?? null;
  });
}

export interface FreeDesktopClaim {
  pool: Pool;
  sessionId: string;
  accountId: string;
  siteId: string;
  now: Date;
  /**
   * The live key of the session this claim is for (`accountId:poolId`): when the clerk already holds
   * a live session with it, the claim takes nothing (the login reconnects instead), checked by the
   * claim's own statement; without it no such check is made.
   */
  liveKey?: string;
}

/**
 * SQLite: the free desktops of many logins of one pool and one site, claimed by ONE conditional
 * UPDATE (the 8:30 rush: a statement per group instead of one per login, and each statement
 * waits for the single writer). The candidates are numbered in the order `claimFreeDesktop`
 * would take them and given to the logins in the order they arrived; the cap counts the pool's
 * busy desktops once, before the claim, so a capped pool gives only what is left of it. The
 * same re-check as the single claim (state = 'free' AND session_id IS NULL) guards every row.
 * A claim with a `liveKey` the clerk already holds a live session under takes nothing and leaves
 * its turn to the next claim: the reconnect lookup and the claim are one statement, not two waits.
 * Answers, per claim, its desktop or null (none left for it, or a live session to go back to).
 */
export async function claimFreeDesktopsTogether(sequelize: Sequelize, claims: readonly FreeDesktopClaim[]): Promise<Array<ClaimedDesktop | null>> {
  if (claims.length === 0) return [];
  const [first] = claims;
  const { pool, siteId, now } = first!;
  if (claims.some((c) => c.pool.id !== pool.id || c.siteId !== siteId)) throw new Error('claims of one pool and one site only');
  const replacements: Record<string, unknown> = {
    poolId: pool.id,
    siteId,
    now,
    dedicated: pool.kind === 'dedicated',
    allowOtherSites: pool.allowOtherSites,
    maxSessions: pool.maxSessions,
    count: claims.length,
    yes: true,
    no: false,
  };
  const wanted = claims.map((claim, i) => {
    replacements[`s${i}`] = claim.sessionId;
    replacements[`a${i}`] = claim.accountId;
    replacements[`k${i}`] = claim.liveKey ?? null;
    return `(${i + 1}, :s${i}, :a${i}, :k${i})`;
  });
  // eligible: the claims still to serve, renumbered in arrival order (a clerk back to a live session here is not)
  const rows = await sequelize.query<ClaimedDesktop & { session_id: string }>(
    `WITH wanted(n, session_id, account_id, live_key) AS (VALUES ${wanted.join(', ')}),
     eligible AS MATERIALIZED (
       SELECT ROW_NUMBER() OVER (ORDER BY n) AS n, session_id, account_id FROM wanted
       WHERE live_key IS NULL OR NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.live_key = wanted.live_key)),
     picked AS MATERIALIZED (
       SELECT id, ROW_NUMBER() OVER (
         ORDER BY CASE WHEN site_id = :siteId THEN 0 ELSE 1 END,
                  CASE WHEN last_released_at IS NULL THEN 0 ELSE 1 END, last_released_at, id) AS n
       FROM desktops
       WHERE pool_id = :poolId AND state = 'free' AND session_id IS NULL AND drain = :no
         AND health <> 'down'
         AND (:dedicated = :no OR owner_account_id IS NULL)
         AND (:allowOtherSites = :yes OR site_id = :siteId)
       ORDER BY n LIMIT :count),
     busy AS MATERIALIZED (SELECT COUNT(*) AS n FROM desktops WHERE pool_id = :poolId AND session_id IS NOT NULL)
     UPDATE desktops
     SET state = 'assigned', session_id = eligible.session_id, state_changed_at = :now, updated_at = :now, state_reason = NULL,
         owner_account_id = CASE WHEN :dedicated = :yes THEN eligible.account_id ELSE desktops.owner_account_id END
     FROM picked JOIN eligible ON eligible.n = picked.n JOIN busy
     WHERE desktops.id = picked.id AND desktops.state = 'free' AND desktops.session_id IS NULL
       AND (:maxSessions IS NULL OR picked.n <= :maxSessions - busy.n)
     RETURNING desktops.id AS id, desktops.site_id AS site_id, desktops.name AS name, desktops.session_id AS session_id`,
    { replacements, type: QueryTypes.SELECT },
  );
  const bySession = new Map(rows.map(({ session_id, ...desktop }) => [session_id, desktop]));
  return claims.map((claim) => bySession.get(claim.sessionId) ?? null);
}

/**
 * Free-desktop claims of logins arriving together (SQLite), claimed together: one statement per
 * pool and site of the group (`claimFreeDesktopsTogether`), each login answered with its own
 * desktop or null. A group refused by the database is tried again claim by claim, so a claim
 * that fails fails only its own login; an outage fails the group.
 */
export function groupFreeClaims(
  sequelize: () => Sequelize,
  claimTogether: (sequelize: Sequelize, claims: readonly FreeDesktopClaim[]) => Promise<Array<ClaimedDesktop | null>> = claimFreeDesktopsTogether,
): GroupBatch<FreeDesktopClaim, ClaimedDesktop | null> {
  return new GroupBatch<FreeDesktopClaim, ClaimedDesktop | null>(
    async (claims) => {
      const groups = new Map<string, number[]>();
      claims.forEach((claim, i) => {
        const key = `${claim.pool.id}\u0000${claim.siteId}`;
        groups.set(key, [...(groups.get(key) ?? []), i]);
      });
      const results: Array<ClaimedDesktop | null> = claims.map(() => null);
      for (const indexes of groups.values()) {
        const claimed = await claimTogether(
          sequelize(),
          indexes.map((i) => claims[i]!),
        );
        indexes.forEach((i, k) => (results[i] = claimed[k] ?? null));
      }
      return results;
    },
    { retryAlone: (err) => !isOutage(err) },
  );
}

/** A dedicated pool's desktop already owned by the account, claimed if it is free. */
export async function claimOwnedDesktop(
  sequelize: Sequelize,
  params: { poolId: string; accountId: string; sessionId: string; now: Date },
): Promise<ClaimedDesktop | null> {
  const rows = await sequelize.query<ClaimedDesktop>(
    `UPDATE desktops SET state = 'assigned', session_id = :sessionId, state_changed_at = :now, updated_at = :now
     WHERE id = (SELECT id FROM desktops WHERE pool_id = :poolId AND owner_account_id = :accountId ORDER BY id LIMIT 1)
       AND state = 'free' AND session_id IS NULL AND drain = :no AND health <> 'down'
     RETURNING id, site_id, name`,
    { replacements: { ...params, no: false }, type: QueryTypes.SELECT },
  );
  return rows[0] ?? null;
}

/**
 * Lifecycle actions around a desktop's use (lifecycle/ runs them over SSH); optional: without
 * hooks a released desktop goes straight back to `free`.
 */
export interface DesktopHooks {
  /** Before a freshly claimed desktop is first connected; throws (having taken the desktop out of service) when it cannot be prepared. */
  beforeAssign(desktopId: string, sessionId: string): Promise<void>;
  /** The state a desktop given back takes: `resetting` while an on-release action cleans it. */
  releaseState(desktopId: string): Promise<'free' | 'resetting'>;
  /** Starts the on-release action of a desktop just put into `resetting`; it ends in `free` or `error`. */
  onRelease(desktopId: string): void;
}

/** Gives a desktop back to its pool (or to `resetting`), only if it is still held by that session. */
export async function releaseDesktop(
  sequelize: Sequelize,
  desktopId: string,
  sessionId: string,
  now: Date,
  to: 'free' | 'resetting' = 'free',
  opts: {
    /** also take back a dedicated desktop this session's login had just given to this account */
    disownFrom?: string | undefined;
    /** an admin's write the release is part of */
    transaction?: Transaction;
  } = {},
): Promise<boolean> {
  const [, affected] = await sequelize.query(
    `UPDATE desktops SET state = :to, session_id = NULL, last_released_at = :now, state_changed_at = :now, updated_at = :now,
       owner_account_id = CASE WHEN :disown IS NOT NULL AND owner_account_id = :disown THEN NULL ELSE owner_account_id END
     WHERE id = :desktopId AND session_id = :sessionId`,
    { replacements: { desktopId, sessionId, now, to, disown: opts.disownFrom ?? null }, type: QueryTypes.UPDATE, transaction: opts.transaction },
  );
  return Number(affected) > 0;
}
