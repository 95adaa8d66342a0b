import type { RequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { SessionRestriction } from '@yunzhuo/protocol/api/resources';
import { AppError } from '../lib/app-error.js';
import { clientAddress } from '../http/async-router.js';
import type { AuthService } from './auth.service.js';
import type { Actor } from './actor.js';
import { isConsoleUser } from './policy.js';

export const SESSION_COOKIE = 'yz_session';
export const CSRF_COOKIE = 'yz_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * what a user whose password someone else chose may still write: replace it, leave, or give the
 * second factor a TOTP policy asks for (else a fresh admin with a generated password, who must
 * also enroll, could do neither)
 */
const BEFORE_PASSWORD_CHANGE = new Set(['/auth/password', '/auth/logout', '/auth/totp/enroll', '/auth/totp/confirm', '/auth/totp/verify']);
/** what a restricted session may reach (docs/IDENTITY.md) */
const RESTRICTED_TO: Record<SessionRestriction, Set<string>> = {
  // a user with no second factor yet may also replace a password someone else chose, first
  TOTP_ENROLLMENT_REQUIRED: new Set(['/auth/totp/enroll', '/auth/totp/confirm', '/auth/password', '/auth/logout', '/auth/me']),
  TOTP_REQUIRED: new Set(['/auth/totp/verify', '/auth/logout', '/auth/me']),
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Cookie auth for the admin API; writes must echo the session's CSRF token in `x-csrf-token`. */
export function requireConsoleUser(auth: AuthService): RequestHandler {
  return requireSignedIn(auth, isConsoleUser);
}

/** Cookie auth for routes open to the accounts `allowed` admits (FORBIDDEN for the others). */
export function requireSignedIn(auth: AuthService, allowed: (actor: Actor) => boolean): RequestHandler {
  return async (req, _res, next) => {
    const token: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof token !== 'string' || token.length === 0) throw new AppError('UNAUTHENTICATED');
    const found = await auth.authenticate(token, clientAddress(req), { allowRestricted: true });
    if (!found) throw new AppError('UNAUTHENTICATED');
    if (found.restriction && !RESTRICTED_TO[found.restriction].has(req.path)) throw new AppError(found.restriction);
    if (!allowed(found.actor)) throw new AppError('FORBIDDEN');
    if (!SAFE.has(req.method)) {
      const header = req.get('x-csrf-token');
      if (!header || !sameToken(header, found.csrfToken)) throw new AppError('CSRF_FAILED');
    }
    if (found.mustChangePassword && !SAFE.has(req.method) && !BEFORE_PASSWORD_CHANGE.has(req.path)) throw new AppError('PASSWORD_CHANGE_REQUIRED');
    req.actor = found.actor;
    req.csrfToken = found.csrfToken;
    req.sessionRestriction = found.restriction;
    next();
  };
}
