import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { WindowPrinter } from '@yunzhuo/protocol/paper/printer';
import { baseOptions, nameKeyHooks, uuidPk } from '../db/model-helpers.js';

export class HallWindow extends Model<InferAttributes<HallWindow>, InferCreationAttributes<HallWindow>> {
  declare id: CreationOptional<string>;
  declare siteId: string;
  declare code: string;
  /** `nameKey(code)`: codes are unique whatever their case; set by the hooks, never by hand */
  declare codeKey: CreationOptional<string>;
  declare label: string | null;
  declare departmentId: string | null;
  declare area: string | null;
  /** grid position in the hall, for the console's map */
  declare posX: CreationOptional<number>;
  declare posY: CreationOptional<number>;
  /** the counter's printer (docs/PAPER.md); null: none */
  declare printer: CreationOptional<WindowPrinter | null>;
  /** place on the floor plan (hall-plans/), fractions of the image's width and height; null: not placed */
  declare planX: CreationOptional<number | null>;
  declare planY: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    HallWindow.init(
      {
        id: uuidPk,
        siteId: { type: DataTypes.STRING(36), allowNull: false },
        code: { type: DataTypes.STRING(32), allowNull: false },
        codeKey: { type: DataTypes.STRING(200), allowNull: true },
        label: { type: DataTypes.STRING(200), allowNull: true },
        departmentId: { type: DataTypes.STRING(36), allowNull: true },
        area: { type: DataTypes.STRING(32), allowNull: true },
        posX: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        posY: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        printer: { type: DataTypes.JSON, allowNull: true },
        planX: { type: DataTypes.DOUBLE, allowNull: true },
        planY: { type: DataTypes.DOUBLE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { ...baseOptions, sequelize, tableName: 'windows', hooks: nameKeyHooks<HallWindow>('code', 'codeKey') },
    );
  }
}
