import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

export type ConnectorState = 'active' | 'revoked';

/** A town's `yunzhuo-connector`; its credential is kept as sha256 only (docs/TOWNS.md). */
export class Connector extends Model<InferAttributes<Connector>, InferCreationAttributes<Connector>> {
  declare id: CreationOptional<string>;
  declare siteId: string;
  declare name: string;
  declare secretHash: string | null;
  declare state: ConnectorState;
  declare connectorVersion: string | null;
  declare address: string | null;
  declare joinTokenId: string | null;
  declare lastSeenAt: Date | null;
  declare rttMs: number | null;
  declare throughputUpBps: number | null;
  declare throughputDownBps: number | null;
  declare streams: CreationOptional<number>;
  declare revokedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Connector.init(
      {
        id: uuidPk,
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        secretHash: { type: DataTypes.STRING(64), allowNull: true },
        state: { type: DataTypes.STRING(16), allowNull: false },
        connectorVersion: { type: DataTypes.STRING(64), allowNull: true },
        address: { type: DataTypes.STRING(64), allowNull: true },
        joinTokenId: { type: DataTypes.STRING(36), allowNull: true },
        lastSeenAt: { type: DataTypes.DATE, allowNull: true },
        rttMs: { type: DataTypes.INTEGER, allowNull: true },
        throughputUpBps: { type: DataTypes.BIGINT, allowNull: true, get: numberOrNull('throughputUpBps') },
        throughputDownBps: { type: DataTypes.BIGINT, allowNull: true, get: numberOrNull('throughputDownBps') },
        streams: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        revokedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'connectors' },
    );
  }
}

/** PostgreSQL returns BIGINT as a string */
function numberOrNull(field: 'throughputUpBps' | 'throughputDownBps') {
  return function (this: Connector): number | null {
    const value: unknown = this.getDataValue(field);
    return value === null || value === undefined ? null : Number(value);
  };
}
