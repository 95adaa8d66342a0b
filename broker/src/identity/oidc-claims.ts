import type { Role } from '@yunzhuo/protocol/api/common';
import type { OidcSourceSettings } from '@yunzhuo/protocol/api/oidc';

export interface ClaimGrants {
  departmentIds: string[];
  poolIds: string[];
  roles: Role[];
}

/** A claim's values as strings: a string, a number, or an array of them (groups). */
function valuesOf(claim: unknown): string[] {
  const list = Array.isArray(claim) ? claim : [claim];
  return list.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}

/** The union of the mappings the claims hit; null when none does (the user is not let in). */
export function grantsOfClaims(settings: OidcSourceSettings, claims: Record<string, unknown>): ClaimGrants | null {
  const hits = settings.claimMappings.filter((m) => valuesOf(claims[m.claim]).includes(m.value));
  if (hits.length === 0) return null;
  const roles = [...new Set(hits.flatMap((m) => m.roles))];
  return {
    departmentIds: [...new Set(hits.flatMap((m) => m.departmentIds))],
    poolIds: [...new Set(hits.flatMap((m) => m.poolIds))],
    roles: roles.length > 0 ? roles : settings.defaultRoles,
  };
}

export function stringClaim(claims: Record<string, unknown>, name: string): string | null {
  const v = claims[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}
