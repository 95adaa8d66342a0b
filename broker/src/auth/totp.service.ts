import { randomBytes } from 'node:crypto';
import { Op, type Sequelize } from 'sequelize';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Role } from '@yunzhuo/protocol/api/common';
import { Account } from '../accounts/account.model.js';
import type { AuditService } from '../audit/audit.service.js';
import { writeTransaction } from '../db/write-transaction.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import type { SecretBox } from '../lib/secret-box.js';
import { sha256 } from '../lib/tokens.js';
import type { Actor } from './actor.js';
import { AdminSession } from './admin-session.model.js';
import { RecoveryCode } from './recovery-code.model.js';

const PERIOD_SECONDS = 30;
const RECOVERY_CODES = 10;

function recoveryCode(): string {
  const raw = randomBytes(8).toString('hex'); // 64 bits
  return `${raw.slice(0, 8)}-${raw.slice(8)}`;
}

const normalizeRecovery = (code: string) =>
  code
    .trim()
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '');

/**
 * Time-based one-time codes (RFC 6238, 30 s, SHA-1, 6 digits: what every phone app reads) for
 * console sign-in. Time comes from the injected Clock; an accepted step is written with a
 * conditional UPDATE, so the same code (or an older one) is never accepted twice, even at once.
 */
export class TotpService {
  constructor(
    private readonly deps: {
      sequelize: Sequelize;
      secrets: SecretBox;
      audit: AuditService;
      clock: Clock;
      issuer: string;
      /** the policy (YUNZHUO_TOTP_REQUIRED_ROLES): console users of these roles must use TOTP */
      requiredRoles: readonly Role[];
    },
  ) {}

  requiredFor(roles: readonly Role[]): boolean {
    return roles.some((r) => this.deps.requiredRoles.includes(r));
  }

  #totp(account: Account, secret: Secret): TOTP {
    return new TOTP({ issuer: this.deps.issuer, label: account.username, secret, period: PERIOD_SECONDS });
  }

  /** A new secret, sealed on the account until confirmed; an enrolled account must be reset first. */
  async begin(account: Account): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
    if (account.totpEnabled) throw new AppError('CONFLICT', { reason: 'TOTP is already enrolled; an admin resets it' });
    const secret = new Secret({ size: 20 });
    await account.update({ totpSecretEnc: this.deps.secrets.encrypt(secret.base32), totpLastStep: null });
    const otpauthUrl = this.#totp(account, secret).toString();
    return { secret: secret.base32, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240 }) };
  }

  /**
   * The first code proves the phone has the secret: TOTP on, recovery codes shown once. The
   * session that enrolled (`sessionTokenHash`) has now shown both factors and loses its restriction.
   */
  async confirm(account: Account, code: string, actor: Actor, sessionTokenHash?: string): Promise<string[]> {
    if (account.totpEnabled || !account.totpSecretEnc) throw new AppError('CONFLICT', { reason: 'no enrollment in progress' });
    await this.#acceptCode(account, code);
    const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
    await writeTransaction(this.deps.sequelize, async (transaction) => {
      await Account.update({ totpEnabled: true }, { where: { id: account.id }, transaction });
      if (sessionTokenHash) await AdminSession.update({ restriction: null }, { where: { tokenHash: sessionTokenHash, accountId: account.id }, transaction });
      await RecoveryCode.destroy({ where: { accountId: account.id }, transaction });
      const createdAt = new Date(this.deps.clock.now());
      await RecoveryCode.bulkCreate(
        codes.map((c) => ({ accountId: account.id, codeHash: sha256(normalizeRecovery(c)), usedAt: null, createdAt })),
        { transaction },
      );
      await this.deps.audit.record(actor, { action: 'auth.totp.enable', targetType: 'account', targetId: account.id, siteId: account.homeSiteId }, transaction);
    });
    return codes;
  }

  /** At sign-in: a current code not used before, or an unused recovery code (then used up). */
  async verifySignIn(account: Account, code: string | undefined): Promise<void> {
    if (!account.totpEnabled) return;
    if (!code) throw new AppError('TOTP_REQUIRED');
    if (/^\d{6}$/.test(code.trim())) return this.#acceptCode(account, code.trim());
    const [used] = await RecoveryCode.update(
      { usedAt: new Date(this.deps.clock.now()) },
      { where: { accountId: account.id, codeHash: sha256(normalizeRecovery(code)), usedAt: null } },
    );
    if (used !== 1) throw new AppError('TOTP_INVALID');
    await this.deps.audit.record(null, { action: 'auth.totp.recovery-used', targetType: 'account', targetId: account.id, siteId: account.homeSiteId });
  }

  /** An admin's reset (lost phone): secret and recovery codes gone, the account signs in by password until it enrolls again. */
  async reset(account: Account, actor: Actor): Promise<void> {
    await writeTransaction(this.deps.sequelize, async (transaction) => {
      await Account.update({ totpEnabled: false, totpSecretEnc: null, totpLastStep: null }, { where: { id: account.id }, transaction });
      await RecoveryCode.destroy({ where: { accountId: account.id }, transaction });
      await this.deps.audit.record(
        actor,
        {
          action: 'account.totp.reset',
          targetType: 'account',
          targetId: account.id,
          siteId: account.homeSiteId,
          before: { totpEnabled: account.totpEnabled },
          after: { totpEnabled: false },
        },
        transaction,
      );
    });
  }

  async #acceptCode(account: Account, code: string): Promise<void> {
    if (!account.totpSecretEnc) throw new AppError('TOTP_INVALID');
    const secret = Secret.fromBase32(this.deps.secrets.decrypt(account.totpSecretEnc));
    const now = this.deps.clock.now();
    const delta = this.#totp(account, secret).validate({ token: code, timestamp: now, window: 1 });
    if (delta === null) throw new AppError('TOTP_INVALID');
    const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
    const [accepted] = await Account.update(
      { totpLastStep: step },
      { where: { id: account.id, [Op.or]: [{ totpLastStep: null }, { totpLastStep: { [Op.lt]: step } }] } },
    );
    if (accepted !== 1) throw new AppError('TOTP_INVALID', { reason: 'this code was already used' });
  }
}
