import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type Health = 'unknown' | 'up' | 'down';

export class Gateway extends Model<InferAttributes<Gateway>, InferCreationAttributes<Gateway>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare siteId: string | null;
  declare host: string;
  declare port: number;
  declare health: CreationOptional<Health>;
  declare lastCheckedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Gateway.init(
      {
        id: uuidPk,
        name: { type: DataTypes.STRING(200), allowNull: false },
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        host: { type: DataTypes.STRING(255), allowNull: false },
        port: { type: DataTypes.INTEGER, allowNull: false },
        health: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'unknown' },
        lastCheckedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'gateways' },
    );
  }
}
