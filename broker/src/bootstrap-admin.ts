import { randomBytes } from 'node:crypto';
import { Account } from './accounts/account.model.js';
import type { AuditService } from './audit/audit.service.js';
import { systemActor } from './auth/actor.js';
import { hashPassword } from './lib/passwords.js';

/**
 * First start: create `admin`. The password comes from YUNZHUO_ADMIN_PASSWORD, or is generated
 * and returned so main.ts prints it once. Later starts change nothing.
 */
export async function ensureAdminAccount(audit: AuditService, configured?: string): Promise<{ created: boolean; generatedPassword?: string }> {
  if (await Account.findOne({ where: { username: 'admin' } })) return { created: false };
  const generated = configured ? undefined : randomBytes(12).toString('base64url');
  const password = configured ?? generated!;
  const admin = await Account.create({
    username: 'admin',
    displayName: '系统管理员',
    passwordHash: await hashPassword(password),
    homeSiteId: null,
    roles: ['admin'],
    lastLoginAt: null,
    // a generated password was printed in a log: the admin replaces it at the first sign-in
    mustChangePassword: generated !== undefined,
  });
  await audit.record(systemActor(), { action: 'account.bootstrap', targetType: 'account', targetId: admin.id });
  return generated ? { created: true, generatedPassword: generated } : { created: true };
}
