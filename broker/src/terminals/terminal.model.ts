import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type TerminalState = 'pending' | 'active' | 'revoked';

export class Terminal extends Model<InferAttributes<Terminal>, InferCreationAttributes<Terminal>> {
  declare id: CreationOptional<string>;
  declare siteId: string;
  declare windowId: string | null;
  declare name: string;
  declare hardwareId: string | null;
  declare state: CreationOptional<TerminalState>;
  declare online: CreationOptional<boolean>;
  declare lastSeenAt: Date | null;
  declare agentVersion: string | null;
  declare address: string | null;
  /** sha256 of the terminal's credential secret; the secret itself is shown once */
  declare secretHash: string | null;
  declare info: Record<string, unknown> | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Terminal.init(
      {
        id: uuidPk,
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        windowId: { type: DataTypes.STRING(36), allowNull: true },
        name: { type: DataTypes.STRING(200), allowNull: false },
        hardwareId: { type: DataTypes.STRING(200), allowNull: true },
        state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
        online: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        lastSeenAt: { type: DataTypes.DATE, allowNull: true },
        agentVersion: { type: DataTypes.STRING(64), allowNull: true },
        address: { type: DataTypes.STRING(100), allowNull: true },
        secretHash: { type: DataTypes.STRING(128), allowNull: true },
        info: { type: DataTypes.JSON, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'terminals' },
    );
  }
}
