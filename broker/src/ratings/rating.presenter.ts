import type { z } from 'zod';
import { isBadLevel } from '@yunzhuo/protocol/api/rating-words';
import type { ratingOut } from '@yunzhuo/protocol/api/ratings';
import { iso } from '../http/refs.js';
import type { Rating } from './rating.model.js';

/** 13812345678 → 138****5678: enough for a reviewer to recognise a call-back, not to dial it. */
export function maskPhone(phone: string | null): string | null {
  return phone ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : null;
}

export function presentRating(r: Rating): z.output<typeof ratingOut> {
  return {
    id: r.id,
    invitationId: r.invitationId,
    sessionId: r.sessionId,
    level: r.level,
    bad: isBadLevel(r.level),
    tags: r.tags ?? [],
    tagSetVersion: r.tagSetVersion,
    comment: r.comment,
    anonymous: r.anonymous,
    raterName: r.raterName,
    raterPhone: maskPhone(r.raterPhone),
    caseNumber: r.caseNumber,
    itemCode: r.itemCode,
    channel: r.channel,
    excluded: r.excluded ?? false,
    siteId: r.siteId,
    windowId: r.windowId,
    terminalId: r.terminalId,
    accountId: r.accountId,
    departmentId: r.departmentId,
    poolId: r.poolId,
    createdAt: iso(r.createdAt)!,
  };
}
