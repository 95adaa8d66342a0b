import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/**
 * A rating pad (评价器) at a window's counter, paired with the window's terminal. Born with a
 * one-time pairing code (sha256 kept, unique while pending); pairing replaces the code by the
 * pad's own secret (sha256 kept). A later pairing at the same terminal revokes the earlier pad.
 */
export class RatingPad extends Model<InferAttributes<RatingPad>, InferCreationAttributes<RatingPad>> {
  declare id: CreationOptional<string>;
  declare terminalId: string;
  declare windowId: string | null;
  declare siteId: string | null;
  declare pairingCodeHash: string | null;
  declare pairingExpiresAt: Date | null;
  declare secretHash: CreationOptional<string | null>;
  declare pairedAt: CreationOptional<Date | null>;
  declare lastSeenAt: CreationOptional<Date | null>;
  declare revokedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const optional = (type: DataTypes.DataType) => ({ type, allowNull: true });
    RatingPad.init(
      {
        id: uuidPk,
        terminalId: { type: DataTypes.STRING(36), allowNull: false },
        windowId: optional(DataTypes.STRING(36)),
        siteId: optional(DataTypes.STRING(36)),
        pairingCodeHash: optional(DataTypes.STRING(64)),
        pairingExpiresAt: optional(DataTypes.DATE),
        secretHash: optional(DataTypes.STRING(64)),
        pairedAt: optional(DataTypes.DATE),
        lastSeenAt: optional(DataTypes.DATE),
        revokedAt: optional(DataTypes.DATE),
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'rating_pads' },
    );
  }
}
