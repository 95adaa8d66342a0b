import { Op, col, literal, type WhereOptions } from 'sequelize';
import type { z } from 'zod';
import { JOIN_TOKEN_PREFIX, type joinTokenCreate, type joinTokenQuery } from '@yunzhuo/protocol/agent/enrollment';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteAnything, assertCanWriteTo, assertRowAccess } from '../auth/policy.js';
import type { AuditService } from '../audit/audit.service.js';
import { scopeWhere } from '../auth/row-access.js';
import { requireRef } from '../auth/references.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import { Site } from '../sites/site.model.js';
import { JoinToken, type JoinTokenState } from './join-token.model.js';
import { presentJoinToken } from './join-token.presenter.js';

type CreateInput = z.output<typeof joinTokenCreate>;
type ListQuery = z.output<typeof joinTokenQuery>;

const REFUSAL: Record<Exclude<JoinTokenState, 'active'>, 'JOIN_TOKEN_EXPIRED' | 'JOIN_TOKEN_REVOKED' | 'JOIN_TOKEN_USED_UP'> = {
  expired: 'JOIN_TOKEN_EXPIRED',
  revoked: 'JOIN_TOKEN_REVOKED',
  'used-up': 'JOIN_TOKEN_USED_UP',
};

/** Join tokens per site: a site-admin manages its own subtree's tokens only (auth/policy.ts decides). */
export class JoinTokenService {
  constructor(private readonly deps: { audit: AuditService; events: LiveEvents; clock: Clock }) {}

  async create(actor: Actor, input: CreateInput): Promise<{ row: JoinToken; token: string }> {
    assertCanWriteAnything(actor);
    // outside the actor's subtree it is FORBIDDEN whether or not the site exists: nothing is learned about other sites
    assertCanWriteTo(actor, input.siteId, 'join-token');
    const token = `${JOIN_TOKEN_PREFIX}${randomToken()}`;
    const now = this.deps.clock.now();
    const row = await writeTransaction(JoinToken.sequelize!, async (transaction) => {
      await requireRef(actor, Site, input.siteId, 'siteId', (s) => s.id, transaction);
      const row = await JoinToken.create(
        {
          siteId: input.siteId,
          label: input.label,
          tokenHash: sha256(token),
          tokenPrefix: token.slice(0, JOIN_TOKEN_PREFIX.length + 6),
          expiresAt: new Date(now + input.expiresInHours * 3600_000),
          maxUses: input.maxUses,
          requireApproval: input.requireApproval,
          revokedAt: null,
          lastUsedAt: null,
          createdBy: actor.id,
        },
        { transaction },
      );
      await this.deps.audit.record(
        actor,
        { action: 'join-token.create', targetType: 'join-token', targetId: row.id, siteId: row.siteId, after: presentJoinToken(row, now) },
        transaction,
      );
      return row;
    });
    this.deps.events.publish('resource.changed', { resource: 'join-tokens', id: row.id, action: 'create', siteId: row.siteId });
    return { row, token };
  }

  async list(actor: Actor, q: ListQuery): Promise<{ rows: JoinToken[]; count: number }> {
    const where: WhereOptions[] = [scopeWhere(actor, 'siteId', false)];
    if (q.siteId) where.push({ siteId: q.siteId });
    if (q.state) where.push(this.#stateWhere(q.state));
    return JoinToken.findAndCountAll({
      where: { [Op.and]: where },
      order: [
        [q.sort, q.order.toUpperCase()],
        ['id', 'ASC'],
      ],
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
  }

  async revoke(actor: Actor, id: string): Promise<JoinToken> {
    assertCanWriteAnything(actor);
    const now = this.deps.clock.now();
    const { row, changed } = await writeTransaction(JoinToken.sequelize!, async (transaction) => {
      const row = await JoinToken.findByPk(id, { transaction, lock: true });
      if (!row) throw new AppError('NOT_FOUND', { resource: 'join-token', id });
      assertRowAccess(actor, 'write', row.siteId, 'join-token');
      if (row.revokedAt) return { row, changed: false };
      const before = presentJoinToken(row, now);
      await row.update({ revokedAt: new Date(now) }, { transaction });
      await this.deps.audit.record(
        actor,
        { action: 'join-token.revoke', targetType: 'join-token', targetId: row.id, siteId: row.siteId, before, after: presentJoinToken(row, now) },
        transaction,
      );
      return { row, changed: true };
    });
    if (!changed) return row;
    this.deps.events.publish('resource.changed', { resource: 'join-tokens', id: row.id, action: 'update', siteId: row.siteId });
    return row;
  }

  /**
   * Takes one use of a token, or throws the reason it cannot. The use is taken by one
   * conditional UPDATE, so "max uses" holds under concurrent enrollments on either database.
   */
  async consume(token: string): Promise<JoinToken> {
    const row = await JoinToken.findOne({ where: { tokenHash: sha256(token) } });
    if (!row) throw new AppError('JOIN_TOKEN_INVALID');
    const now = this.deps.clock.now();
    const state = row.stateAt(now);
    if (state !== 'active') throw new AppError(REFUSAL[state], { joinTokenId: row.id, siteId: row.siteId });
    const [taken] = await JoinToken.update(
      { uses: literal('uses + 1'), lastUsedAt: new Date(now) },
      { where: { id: row.id, revokedAt: null, expiresAt: { [Op.gt]: new Date(now) }, uses: { [Op.lt]: col('max_uses') } } },
    );
    if (taken !== 1) throw new AppError('JOIN_TOKEN_USED_UP', { joinTokenId: row.id, siteId: row.siteId });
    return row;
  }

  /** Gives back a use whose enrollment failed after the use was taken. */
  async release(id: string): Promise<void> {
    await JoinToken.update({ uses: literal('uses - 1') }, { where: { id, uses: { [Op.gt]: 0 } } });
  }

  #stateWhere(state: JoinTokenState): WhereOptions {
    const now = new Date(this.deps.clock.now());
    switch (state) {
      case 'revoked':
        return { revokedAt: { [Op.ne]: null } };
      case 'used-up':
        return { revokedAt: null, uses: { [Op.gte]: col('max_uses') } };
      case 'expired':
        return { revokedAt: null, uses: { [Op.lt]: col('max_uses') }, expiresAt: { [Op.lte]: now } };
      case 'active':
        return { revokedAt: null, uses: { [Op.lt]: col('max_uses') }, expiresAt: { [Op.gt]: now } };
    }
  }
}
