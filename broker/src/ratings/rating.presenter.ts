import type { z } from 'zod';
import type { ratingOut } from '@yunzhuo/protocol/api/ratings';
import { iso } from '../http/refs.js';
import type { Rating } from './rating.model.js';

export function presentRating(r: Rating): z.output<typeof ratingOut> {
  return {
    id: r.id, invitationId: r.invitationId, sessionId: r.sessionId, score: r.score, reasons: r.reasons ?? [],
    siteId: r.siteId, windowId: r.windowId, terminalId: r.terminalId, accountId: r.accountId,
    departmentId: r.departmentId, poolId: r.poolId, createdAt: iso(r.createdAt)!,
  };
}
