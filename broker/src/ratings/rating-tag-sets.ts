import type { z } from 'zod';
import type { RatingTag } from '@yunzhuo/protocol/api/rating-words';
import type { ratingTagSetOut } from '@yunzhuo/protocol/api/ratings';
import type { Actor } from '../auth/actor.js';
import { assertCanWriteTo } from '../auth/policy.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { iso } from '../http/refs.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { RatingTagSet } from './rating.model.js';

export function presentTagSet(set: RatingTagSet): z.output<typeof ratingTagSetOut> {
  return { version: set.version, tags: set.tags, createdAt: iso(set.createdAt)!, createdBy: set.createdBy };
}

/**
 * The county's content tags per level. Each edit is a new version; a rating names the version
 * its card showed, so an edit during a citizen's touch never turns their tags invalid.
 */
export class RatingTagSets {
  constructor(private readonly deps: { audit: AuditService; clock: Clock }) {}

  /** the newest version (migration 0012 writes version 1, so there always is one) */
  async current(): Promise<RatingTagSet> {
    const set = await RatingTagSet.findOne({ order: [['version', 'DESC']] });
    if (!set) throw new AppError('INTERNAL', { reason: 'no rating tag set' });
    return set;
  }

  async list(): Promise<RatingTagSet[]> {
    return RatingTagSet.findAll({ order: [['version', 'DESC']] });
  }

  /** The tags of `level` in `version`; refuses a version that does not exist or a code it lacks. */
  async checkTags(version: number, level: number, codes: readonly string[]): Promise<void> {
    const set = await RatingTagSet.findByPk(version);
    if (!set) throw new AppError('RATING_TAGS_INVALID', { tagSetVersion: version });
    const known = new Set(set.tags.filter((t) => t.level === level).map((t) => t.code));
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length) throw new AppError('RATING_TAGS_INVALID', { tagSetVersion: version, level, unknown });
  }

  /** A county-wide setting: only a county admin writes it. */
  async publish(actor: Actor, tags: RatingTag[]): Promise<RatingTagSet> {
    assertCanWriteTo(actor, null, 'rating-tag-set');
    try {
      return await writeTransaction(RatingTagSet.sequelize!, async (transaction) => {
        const newest = await RatingTagSet.findOne({ order: [['version', 'DESC']], transaction });
        const set = await RatingTagSet.create(
          { version: (newest?.version ?? 0) + 1, tags, createdBy: actor.id === 'system' ? null : actor.id, createdAt: new Date(this.deps.clock.now()) },
          { transaction },
        );
        await this.deps.audit.record(
          actor,
          { action: 'rating-tag-set.create', targetType: 'rating-tag-set', targetId: String(set.version), after: presentTagSet(set) },
          transaction,
        );
        return set;
      });
    } catch (err) {
      // two admins published at once on PostgreSQL: the version key decided, the second may retry
      if ((err as Error).name === 'SequelizeUniqueConstraintError') throw new AppError('CONFLICT', { resource: 'rating-tag-set' });
      throw err;
    }
  }
}
