import type { Sequelize } from 'sequelize';
import { AccountAuthenticator } from '../accounts/account-authenticator.js';
import type { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { TotpService } from '../auth/totp.service.js';
import type { Config } from '../config/config.schema.js';
import { DirectoryLogin } from '../identity/directory-login.js';
import { DirectorySync } from '../identity/directory-sync.js';
import { LoginRules } from '../identity/login-rules.js';
import type { Clock } from '../lib/clock.js';
import type { LiveEvents } from '../lib/live-events.js';
import type { Logger } from '../lib/logger.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { SiteTree } from '../sites/site-tree.js';

export interface IdentityDeps {
  config: Config;
  sequelize: Sequelize;
  secrets: SecretBox;
  audit: AuditService;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  siteTree: SiteTree;
}

/** Who may sign in, and how: local passwords, the directory (LDAP/AD), TOTP, login rules, the failure throttle. */
export function wireIdentity({ config, sequelize, secrets, audit, events, clock, logger, siteTree }: IdentityDeps) {
  const throttle = new LoginThrottle({
    perAccount: config.loginMaxFailuresPerAccount,
    perAddress: config.loginMaxFailuresPerAddress,
    perAccountAnywhere: config.loginMaxFailuresPerAccountAnywhere,
    windowSeconds: config.loginThrottleWindowSeconds,
  });
  const directory = new DirectoryLogin({ sequelize, secrets, audit });
  const directorySync = new DirectorySync({ sequelize, directory, audit, events, clock, logger });
  const authenticator = new AccountAuthenticator(throttle, directory);
  const totp = new TotpService({ sequelize, secrets, audit, clock, issuer: '云桌 Yunzhuo', requiredRoles: config.totpRequiredRoles });
  const loginRules = new LoginRules({ siteTree, clock, events, audit });
  const auth = new AuthService(authenticator, siteTree, audit, clock, config.adminSessionHours, { totp, throttle }, loginRules);
  return { throttle, directorySync, authenticator, totp, loginRules, auth };
}
