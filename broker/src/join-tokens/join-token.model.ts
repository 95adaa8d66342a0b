import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type JoinTokenState = 'active' | 'expired' | 'revoked' | 'used-up';

/** A site's key for enrolling thin clients; the token itself is shown once, only its sha256 kept. */
export class JoinToken extends Model<InferAttributes<JoinToken>, InferCreationAttributes<JoinToken>> {
  declare id: CreationOptional<string>;
  declare siteId: string;
  declare label: string | null;
  declare tokenHash: string;
  declare tokenPrefix: string;
  declare expiresAt: Date;
  declare maxUses: number;
  declare uses: CreationOptional<number>;
  declare requireApproval: boolean;
  declare revokedAt: Date | null;
  declare lastUsedAt: Date | null;
  declare createdBy: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  stateAt(now: number): JoinTokenState {
    if (this.revokedAt) return 'revoked';
    if (this.uses >= this.maxUses) return 'used-up';
    if (new Date(this.expiresAt).getTime() <= now) return 'expired';
    return 'active';
  }

  static initModel(sequelize: Sequelize): void {
    JoinToken.init(
      {
        id: uuidPk,
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        label: { type: DataTypes.STRING(200), allowNull: true },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        tokenPrefix: { type: DataTypes.STRING(16), allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        maxUses: { type: DataTypes.INTEGER, allowNull: false },
        uses: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        requireApproval: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        revokedAt: { type: DataTypes.DATE, allowNull: true },
        lastUsedAt: { type: DataTypes.DATE, allowNull: true },
        createdBy: { type: DataTypes.STRING(36), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'join_tokens' },
    );
  }
}
