import type { z } from 'zod';
import type { joinTokenOut } from '@yunzhuo/protocol/agent/enrollment';
import { iso } from '../http/refs.js';
import type { JoinToken } from './join-token.model.js';

/** The hash never leaves; the prefix lets an admin tell tokens apart. */
export function presentJoinToken(t: JoinToken, now: number): z.output<typeof joinTokenOut> {
  return {
    id: t.id,
    siteId: t.siteId,
    label: t.label,
    tokenPrefix: t.tokenPrefix,
    state: t.stateAt(now),
    expiresAt: iso(t.expiresAt)!,
    maxUses: t.maxUses,
    uses: t.uses,
    requireApproval: t.requireApproval,
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
    createdBy: t.createdBy,
    createdAt: iso(t.createdAt)!,
  };
}
