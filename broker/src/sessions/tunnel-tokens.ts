import { Op, type CreationAttributes } from 'sequelize';
import { groupInsert } from '../db/group-batch.js';
import { AppError } from '../lib/app-error.js';
import type { Clock } from '../lib/clock.js';
import { randomToken, sha256 } from '../lib/tokens.js';
import { TunnelToken } from './session.model.js';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/**
 * Tunnel tokens: 256 random bits, stored as sha256, single use, short-lived, bound to one
 * session and the terminal it was issued to.
 */
export class TunnelTokens {
  /** tokens issued while a write is under way are stored together (the 8:30 rush) */
  readonly #rows = groupInsert<CreationAttributes<TunnelToken>>((rows) => TunnelToken.bulkCreate(rows));

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  async issue(sessionId: string, terminalId: string | null): Promise<IssuedToken> {
    const token = randomToken();
    const expiresAt = new Date(this.clock.now() + this.ttlSeconds * 1000);
    await this.#rows.add({ tokenHash: sha256(token), sessionId, terminalId, expiresAt, usedAt: null });
    return { token, expiresAt };
  }

  /** Marks the token used in one conditional UPDATE; tells expired, used and unknown apart. */
  async redeem(token: string): Promise<TunnelToken> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw new AppError('TOKEN_INVALID');
    const tokenHash = sha256(token);
    const now = new Date(this.clock.now());
    const [affected] = await TunnelToken.update({ usedAt: now }, { where: { tokenHash, usedAt: null, expiresAt: { [Op.gt]: now } } });
    const row = await TunnelToken.findByPk(tokenHash);
    if (!row) throw new AppError('TOKEN_INVALID');
    if (affected === 1) return row;
    if (row.usedAt) throw new AppError('TOKEN_USED');
    throw new AppError('TOKEN_EXPIRED');
  }

  async purgeExpired(olderThanMs = 3600_000): Promise<number> {
    return TunnelToken.destroy({ where: { expiresAt: { [Op.lt]: new Date(this.clock.now() - olderThanMs) } } });
  }
}
