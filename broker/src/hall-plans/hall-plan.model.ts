import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { baseOptions, uuidPk } from '../db/model-helpers.js';

/** A floor plan image of a site's hall, or of one area of it (migration 0019). */
export class HallPlan extends Model<InferAttributes<HallPlan>, InferCreationAttributes<HallPlan>> {
  declare id: CreationOptional<string>;
  declare siteId: string;
  /** '' for the whole site, else the `windows.area` it draws */
  declare areaName: string;
  declare contentType: 'image/png' | 'image/jpeg';
  declare image: Buffer;
  declare bytes: number;
  declare width: number;
  declare height: number;
  declare sha256: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    HallPlan.init(
      {
        id: uuidPk,
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        areaName: { type: DataTypes.STRING(32), allowNull: false, defaultValue: '' },
        contentType: { type: DataTypes.STRING(32), allowNull: false },
        image: { type: DataTypes.BLOB, allowNull: false },
        bytes: { type: DataTypes.INTEGER, allowNull: false },
        width: { type: DataTypes.INTEGER, allowNull: false },
        height: { type: DataTypes.INTEGER, allowNull: false },
        sha256: { type: DataTypes.STRING(64), allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'hall_plans', defaultScope: { attributes: { exclude: ['image'] } } },
    );
  }
}
