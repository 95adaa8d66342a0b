import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';
import type { Health } from '../gateways/gateway.model.js';

export type DesktopState = 'free' | 'assigned' | 'maintenance' | 'error' | 'resetting' | 'starting';

export class Desktop extends Model<InferAttributes<Desktop>, InferCreationAttributes<Desktop>> {
  declare id: CreationOptional<string>;
  declare poolId: string;
  /** where the desktop runs; a town terminal prefers desktops of its own site */
  declare siteId: string;
  declare name: string;
  declare host: string;
  declare port: number;
  declare rdpUsername: string;
  /** AES-256-GCM sealed (SecretBox); never presented */
  declare rdpPasswordEnc: string;
  declare state: CreationOptional<DesktopState>;
  declare health: CreationOptional<Health>;
  declare drain: CreationOptional<boolean>;
  declare ownerAccountId: string | null;
  declare sessionId: string | null;
  declare stateReason: string | null;
  declare stateChangedAt: Date | null;
  declare lastReleasedAt: Date | null;
  declare lastCheckedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Desktop.init(
      {
        id: uuidPk,
        poolId: { type: DataTypes.STRING(36), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        host: { type: DataTypes.STRING(255), allowNull: false },
        port: { type: DataTypes.INTEGER, allowNull: false },
        rdpUsername: { type: DataTypes.STRING(200), allowNull: false },
        rdpPasswordEnc: { type: DataTypes.TEXT, allowNull: false },
        state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'free' },
        health: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'unknown' },
        drain: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        ownerAccountId: { type: DataTypes.STRING(36), allowNull: true },
        sessionId: { type: DataTypes.STRING(36), allowNull: true },
        stateReason: { type: DataTypes.STRING(500), allowNull: true },
        stateChangedAt: { type: DataTypes.DATE, allowNull: true },
        lastReleasedAt: { type: DataTypes.DATE, allowNull: true },
        lastCheckedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'desktops' },
    );
  }
}
