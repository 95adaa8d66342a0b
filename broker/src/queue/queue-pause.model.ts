import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/** 暂停叫号 at a window: from the clerk's pause to the resume. `openKey` is the window id while paused (unique). */
export class QueuePause extends Model<InferAttributes<QueuePause>, InferCreationAttributes<QueuePause>> {
  declare id: CreationOptional<string>;
  declare openKey: string | null;
  declare windowId: string;
  declare siteId: string | null;
  declare terminalId: string;
  declare sessionId: string;
  declare accountId: string;
  declare pausedAt: Date;
  declare resumedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    const required = (type: DataTypes.DataType) => ({ type, allowNull: false });
    QueuePause.init(
      {
        id: uuidPk,
        openKey: { type: DataTypes.STRING(36), allowNull: true },
        windowId: required(DataTypes.STRING(36)),
        siteId: { type: DataTypes.STRING(36), allowNull: true },
        terminalId: required(DataTypes.STRING(36)),
        sessionId: required(DataTypes.STRING(36)),
        accountId: required(DataTypes.STRING(36)),
        pausedAt: required(DataTypes.DATE),
        resumedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'queue_pauses' },
    );
  }
}
