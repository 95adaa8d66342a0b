import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { PoolSettings } from '@yunzhuo/protocol/api/common';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type PoolKind = 'floating' | 'dedicated';
export type PoolState = 'active' | 'draining' | 'maintenance';

export class Pool extends Model<InferAttributes<Pool>, InferCreationAttributes<Pool>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare departmentId: string;
  declare siteId: string;
  declare kind: PoolKind;
  declare state: CreationOptional<PoolState>;
  declare settings: PoolSettings;
  declare graceSeconds: CreationOptional<number>;
  /** 0 = no idle limit */
  declare idleSeconds: CreationOptional<number>;
  declare maxSessions: number | null;
  /** a terminal of another site may fall back to this pool's desktops */
  declare allowOtherSites: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Pool.init(
      {
        id: uuidPk,
        name: { type: DataTypes.STRING(200), allowNull: false },
        departmentId: { type: DataTypes.STRING(36), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        state: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
        settings: { type: DataTypes.JSON, allowNull: false },
        graceSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 900 },
        idleSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        maxSessions: { type: DataTypes.INTEGER, allowNull: true },
        allowOtherSites: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'pools' },
    );
  }
}

export class PoolGateway extends Model<InferAttributes<PoolGateway>, InferCreationAttributes<PoolGateway>> {
  declare poolId: string;
  declare gatewayId: string;
  declare priority: number;

  static initModel(sequelize: Sequelize): void {
    PoolGateway.init(
      {
        poolId: { type: DataTypes.STRING(36), primaryKey: true },
        gatewayId: { type: DataTypes.STRING(36), primaryKey: true },
        priority: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'pool_gateways', underscored: true, timestamps: false },
    );
  }
}
