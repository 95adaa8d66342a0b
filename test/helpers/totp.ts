import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type { Clock } from '../../broker/src/lib/clock.js';
import type { ApiClient } from './api-client.js';

/** The 6-digit code of `secret` (base32) at `ms`, as a phone app shows it. */
export function totpCodeAt(secret: string, ms: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), period: 30 }).generate({ timestamp: ms });
}

/**
 * Enrolls the signed-in (enrollment-restricted) client with the code of `clock`'s now, which
 * lifts the session's restriction; returns the secret.
 */
export async function enrollTotp(client: ApiClient, clock: Clock): Promise<string> {
  const enroll = await client.post('/api/v1/auth/totp/enroll', {});
  assert.equal(enroll.status, 200, JSON.stringify(enroll.body));
  const secret = String(enroll.body.secret);
  const confirm = await client.post('/api/v1/auth/totp/confirm', { code: totpCodeAt(secret, clock.now()) });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  return secret;
}
